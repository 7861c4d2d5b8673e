//! Colour contrast as WCAG 2.x defines it (relative luminance of sRGB, ratio
//! `(L1 + 0.05) / (L2 + 0.05)`), so the relay, the console and the public
//! configuration agree on which text colour is readable on the widget's main
//! colour. Pure functions over `#rrggbb` strings.

/// WCAG AA for normal text: below this the console warns.
pub const AA_CONTRAST: f64 = 4.5;
/// Below this the relay refuses a custom text colour (WCAG AA for large text and
/// icons): the visitor's bubbles and send icon would be unreadable.
pub const MIN_CONTRAST: f64 = 3.0;

const BLACK: &str = "#000000";
const WHITE: &str = "#ffffff";

/// `#rrggbb` (either case) as red, green, blue; `None` for anything else.
pub fn parse_hex(colour: &str) -> Option<[u8; 3]> {
    let hex = colour.strip_prefix('#').filter(|h| h.len() == 6 && h.bytes().all(|b| b.is_ascii_hexdigit()))?;
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?])
}

/// WCAG 2.x relative luminance, 0 (black) to 1 (white).
pub fn relative_luminance([r, g, b]: [u8; 3]) -> f64 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

/// The contrast ratio of two `#rrggbb` colours, 1 to 21; `None` if either is malformed.
pub fn contrast_ratio(a: &str, b: &str) -> Option<f64> {
    let (la, lb) = (relative_luminance(parse_hex(a)?), relative_luminance(parse_hex(b)?));
    let (light, dark) = if la >= lb { (la, lb) } else { (lb, la) };
    Some((light + 0.05) / (dark + 0.05))
}

/// Black or white, whichever contrasts more with `background` (white on a tie
/// or a malformed colour). Either way the ratio is at least 4.58:1.
pub fn readable_text_on(background: &str) -> &'static str {
    match (contrast_ratio(background, BLACK), contrast_ratio(background, WHITE)) {
        (Some(black), Some(white)) if black > white => BLACK,
        _ => WHITE,
    }
}

/// The text colour a visitor sees on `primary`: black or white when `auto`, or
/// when the custom `secondary` is unreadable (below [`MIN_CONTRAST`], as stored
/// before the rule existed); otherwise `secondary`.
pub fn effective_text_color(primary: &str, secondary: &str, auto: bool) -> String {
    match contrast_ratio(primary, secondary) {
        Some(r) if !auto && r >= MIN_CONTRAST => secondary.to_owned(),
        _ => readable_text_on(primary).to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ratio(a: &str, b: &str) -> f64 {
        (contrast_ratio(a, b).unwrap() * 100.0).round() / 100.0
    }

    #[test]
    fn ratios_match_the_wcag_reference_values() {
        assert_eq!(ratio("#000000", "#ffffff"), 21.0);
        assert_eq!(ratio("#ffffff", "#ffffff"), 1.0);
        // WebAIM's checker: #777777 on white is 4.48:1, just below AA.
        assert_eq!(ratio("#777777", "#FFFFFF"), 4.48);
        assert_eq!(ratio("#fde047", "#ffffff"), 1.32);
        assert_eq!(ratio("#4f46e5", "#ffffff"), 6.29);
        assert_eq!(contrast_ratio("#fde04", "#ffffff"), None);
        assert_eq!(contrast_ratio("fde047", "#ffffff"), None);
    }

    #[test]
    fn automatic_text_is_the_more_readable_of_black_and_white() {
        assert_eq!(readable_text_on("#fde047"), "#000000");
        assert_eq!(readable_text_on("#4f46e5"), "#ffffff");
        assert_eq!(readable_text_on("bad"), "#ffffff");
        // The worst case for black-or-white still passes AA.
        let worst = (0..=255u8)
            .map(|g| format!("#{g:02x}{g:02x}{g:02x}"))
            .map(|c| contrast_ratio(&c, readable_text_on(&c)).unwrap())
            .fold(f64::MAX, f64::min);
        assert!(worst >= AA_CONTRAST, "{worst}");
    }

    #[test]
    fn a_custom_text_colour_is_kept_only_while_readable() {
        assert_eq!(effective_text_color("#000000", "#fde047", false), "#fde047");
        assert_eq!(effective_text_color("#000000", "#fde047", true), "#ffffff");
        assert_eq!(effective_text_color("#fde047", "#ffffff", false), "#000000");
    }
}
