//! A small User-Agent reader for the conversation header: which browser (with its
//! major version) and which operating system the visitor uses. Heuristic by nature;
//! it names the common ones and says "unknown" otherwise.

/// Browser and OS as shown to the agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub browser: Option<String>,
    pub os: Option<String>,
}

/// Reads a `User-Agent` header.
pub fn parse(ua: &str) -> Client {
    Client { browser: browser(ua), os: os(ua) }
}

fn version_after(ua: &str, token: &str) -> Option<String> {
    let start = ua.find(token)? + token.len();
    let v: String = ua[start..].chars().take_while(|c| c.is_ascii_digit()).collect();
    (!v.is_empty()).then_some(v)
}

fn named(name: &str, ua: &str, token: &str) -> Option<String> {
    Some(match version_after(ua, token) {
        Some(v) => format!("{name} {v}"),
        None => name.to_owned(),
    })
}

fn browser(ua: &str) -> Option<String> {
    // Order matters: most browsers also claim to be Chrome and Safari.
    if ua.contains("Edg/") || ua.contains("EdgA/") || ua.contains("EdgiOS/") {
        let token = ["Edg/", "EdgA/", "EdgiOS/"].into_iter().find(|t| ua.contains(t)).unwrap_or("Edg/");
        return named("Edge", ua, token);
    }
    if ua.contains("OPR/") {
        return named("Opera", ua, "OPR/");
    }
    if ua.contains("SamsungBrowser/") {
        return named("Samsung Internet", ua, "SamsungBrowser/");
    }
    if ua.contains("Line/") {
        return named("LINE", ua, "Line/");
    }
    if ua.contains("FBAN") || ua.contains("FBAV/") {
        return Some("Facebook".to_owned());
    }
    if ua.contains("Firefox/") {
        return named("Firefox", ua, "Firefox/");
    }
    if ua.contains("FxiOS/") {
        return named("Firefox", ua, "FxiOS/");
    }
    if ua.contains("CriOS/") {
        return named("Chrome", ua, "CriOS/");
    }
    if ua.contains("Chromium/") {
        return named("Chromium", ua, "Chromium/");
    }
    if ua.contains("Chrome/") {
        return named("Chrome", ua, "Chrome/");
    }
    if ua.contains("Safari/") && ua.contains("Version/") {
        return named("Safari", ua, "Version/");
    }
    if ua.contains("Trident/") || ua.contains("MSIE ") {
        return Some("Internet Explorer".to_owned());
    }
    None
}

fn os(ua: &str) -> Option<String> {
    if ua.contains("iPhone") || ua.contains("iPod") {
        return Some(apple_version("iOS", ua));
    }
    if ua.contains("iPad") {
        return Some(apple_version("iPadOS", ua));
    }
    if ua.contains("Android") {
        return named("Android", ua, "Android ");
    }
    if ua.contains("CrOS") {
        return Some("ChromeOS".to_owned());
    }
    if ua.contains("Windows NT 10.0") {
        // Windows 11 reports itself as NT 10.0 in the User-Agent string.
        return Some("Windows 10/11".to_owned());
    }
    if ua.contains("Windows NT 6.3") {
        return Some("Windows 8.1".to_owned());
    }
    if ua.contains("Windows NT 6.1") {
        return Some("Windows 7".to_owned());
    }
    if ua.contains("Windows") {
        return Some("Windows".to_owned());
    }
    if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        return Some("macOS".to_owned());
    }
    if ua.contains("Linux") || ua.contains("X11") {
        return Some("Linux".to_owned());
    }
    None
}

fn apple_version(name: &str, ua: &str) -> String {
    // "CPU iPhone OS 17_4 like Mac OS X" / "CPU OS 16_1 like Mac OS X"
    let v = ["iPhone OS ", "CPU OS "].into_iter().find_map(|t| version_after(ua, t));
    match v {
        Some(v) => format!("{name} {v}"),
        None => name.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(ua: &str) -> (Option<&'static str>, Option<&'static str>) {
        let c = parse(ua);
        (c.browser.map(|s| &*Box::leak(s.into_boxed_str())), c.os.map(|s| &*Box::leak(s.into_boxed_str())))
    }

    #[test]
    fn common_browsers_and_systems() {
        let chrome_win = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
        assert_eq!(both(chrome_win), (Some("Chrome 124"), Some("Windows 10/11")));
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80";
        assert_eq!(both(edge), (Some("Edge 124"), Some("Windows 10/11")));
        let safari_ios = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
        assert_eq!(both(safari_ios), (Some("Safari 17"), Some("iOS 17")));
        let firefox_mac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0";
        assert_eq!(both(firefox_mac), (Some("Firefox 125"), Some("macOS")));
        let samsung = "Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36";
        assert_eq!(both(samsung), (Some("Samsung Internet 24"), Some("Android 13")));
        let headless = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36";
        assert_eq!(both(headless), (Some("Chrome 156"), Some("Linux")));
        assert_eq!(both("curl/8.0"), (None, None));
    }
}
