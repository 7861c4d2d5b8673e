//! Origin patterns: which web pages may embed a tenant's widget or open its
//! sockets. A pattern is an exact origin (`https://shop.example`), an origin with
//! any port (`http://localhost:*`), or any subdomain (`https://*.shop.example`).
//! Normalising what a person pastes lives in the protocol crate (the console
//! checks entries with the same code before sending them) and is re-exported here.

pub use natter_protocol::origin::{
    MAX_ORIGIN_LEN, MAX_ORIGINS, OriginError, normalize_pattern, normalize_patterns, origin_of_url,
};

/// Whether `origin` (as sent in an `Origin` header) matches any of `patterns`.
pub fn origin_allowed(patterns: &[String], origin: &str) -> bool {
    patterns.iter().any(|p| pattern_matches(p, origin))
}

fn pattern_matches(pattern: &str, origin: &str) -> bool {
    let (Some((p_scheme, p_rest)), Some((o_scheme, o_rest))) = (pattern.split_once("://"), origin.split_once("://"))
    else {
        return false;
    };
    if !p_scheme.eq_ignore_ascii_case(o_scheme) {
        return false;
    }
    let (p_host, p_port) = split_port(p_rest);
    let (o_host, o_port) = split_port(o_rest);
    let port_ok = p_port == Some("*") || p_port == o_port;
    let host_ok = match p_host.strip_prefix("*.") {
        Some(suffix) => o_host.len().checked_sub(suffix.len() + 1).is_some_and(|cut| {
            o_host.is_char_boundary(cut) && o_host[cut..].eq_ignore_ascii_case(&format!(".{suffix}"))
        }),
        None => p_host.eq_ignore_ascii_case(o_host),
    };
    port_ok && host_ok
}

/// Splits `host[:port]`, leaving IPv6 brackets intact.
fn split_port(host_port: &str) -> (&str, Option<&str>) {
    match host_port.rfind(':') {
        Some(i) if !host_port[i..].contains(']') => (&host_port[..i], Some(&host_port[i + 1..])),
        _ => (host_port, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(patterns: &[&str], origin: &str) -> bool {
        let patterns: Vec<String> = patterns.iter().map(|s| s.to_string()).collect();
        origin_allowed(&patterns, origin)
    }

    #[test]
    fn exact_origins_match_only_themselves() {
        assert!(allowed(&["https://shop.example"], "https://shop.example"));
        assert!(!allowed(&["https://shop.example"], "http://shop.example"));
        assert!(!allowed(&["https://shop.example"], "https://shop.example:8443"));
        assert!(!allowed(&["https://shop.example"], "https://evilshop.example"));
        assert!(!allowed(&["https://shop.example"], "null"));
    }

    #[test]
    fn port_wildcard_matches_any_port_of_that_host() {
        let p = ["http://localhost:*", "http://127.0.0.1:*"];
        assert!(allowed(&p, "http://localhost:3000"));
        assert!(allowed(&p, "http://127.0.0.1:8080"));
        assert!(!allowed(&p, "http://localhost.evil.com:80"));
        assert!(!allowed(&p, "https://localhost:3000"));
    }

    #[test]
    fn subdomain_wildcard_needs_a_real_subdomain() {
        let p = ["https://*.shop.example"];
        assert!(allowed(&p, "https://www.shop.example"));
        assert!(!allowed(&p, "https://shop.example"));
        assert!(!allowed(&p, "https://evilshop.example"));
        assert!(!allowed(&p, "https://www.shop.example.evil"));
    }

    #[test]
    fn patterns_are_validated() {
        assert!(normalize_pattern("https://shop.example").is_ok());
        assert!(normalize_pattern("http://localhost:*").is_ok());
        assert!(normalize_pattern("https://*.shop.example:8443").is_ok());
        assert_eq!(normalize_pattern("shop.example"), Err(OriginError::NoScheme));
        assert_eq!(normalize_pattern("https://shop.example/path"), Err(OriginError::Path("/path".into())));
        assert_eq!(normalize_pattern("ftp://shop.example"), Err(OriginError::BadScheme("ftp".into())));
        assert_eq!(normalize_pattern("https://*"), Err(OriginError::BadHost("*".into())));
        assert_eq!(normalize_pattern("https://a:b"), Err(OriginError::BadPort("b".into())));
    }

    #[test]
    fn pasted_origins_are_normalised() {
        let n = |s: &str| normalize_pattern(s).unwrap();
        assert_eq!(n("http://localhost:8311/"), "http://localhost:8311");
        assert_eq!(n("  HTTPS://Shop.EXAMPLE  "), "https://shop.example");
        assert_eq!(n("https://shop.example:443"), "https://shop.example");
        assert_eq!(n("http://shop.example:80/"), "http://shop.example");
        assert_eq!(n("http://shop.example:443"), "http://shop.example:443", "443 is not http's default");
        assert_eq!(n("https://*.Shop.example:*"), "https://*.shop.example:*");
        assert_eq!(n("http://[::1]:8080/"), "http://[::1]:8080");
        assert_eq!(n("http://127.0.0.1:08080"), "http://127.0.0.1:8080");
    }

    #[test]
    fn what_cannot_be_an_origin_is_refused_with_the_reason() {
        let e = |s: &str| normalize_pattern(s).unwrap_err();
        assert_eq!(e(""), OriginError::Empty);
        assert_eq!(e("https://shop.example/cart/"), OriginError::Path("/cart/".into()));
        assert_eq!(e("https://shop.example//"), OriginError::Path("//".into()));
        assert_eq!(e("https://shop.example/?a=1"), OriginError::Query);
        assert_eq!(e("https://shop.example#top"), OriginError::Fragment);
        assert_eq!(e("https://user:pw@shop.example"), OriginError::Userinfo);
        assert_eq!(e("javascript://shop.example"), OriginError::BadScheme("javascript".into()));
        assert_eq!(e("https://"), OriginError::NoHost);
        assert_eq!(e("https://shop example"), OriginError::BadHost("shop example".into()));
        assert_eq!(e("https://ร้าน.example"), OriginError::BadHost("ร้าน.example".into()));
        assert_eq!(e("https://shop.example:0"), OriginError::BadPort("0".into()));
        assert_eq!(e("https://shop.example:70000"), OriginError::BadPort("70000".into()));
        assert_eq!(e("http://[::zz]"), OriginError::BadHost("[::zz]".into()));
        assert_eq!(e(&format!("https://{}.example", "a".repeat(400))), OriginError::TooLong);
        let message = e("https://shop.example/cart").to_string();
        assert!(message.contains("path") && message.contains("/cart"), "{message}");
    }

    #[test]
    fn lists_are_normalised_deduplicated_and_name_the_bad_entry() {
        let list = ["http://a.example/".to_owned(), "HTTP://A.example".to_owned(), "https://b.example".to_owned()];
        assert_eq!(normalize_patterns(&list).unwrap(), ["http://a.example", "https://b.example"]);
        let bad = ["https://ok.example".to_owned(), "https://bad.example/x".to_owned()];
        assert_eq!(normalize_patterns(&bad).unwrap_err(), (1, OriginError::Path("/x".into())));
    }

    #[test]
    fn page_urls_give_their_origin() {
        assert_eq!(origin_of_url("HTTPS://Shop.example:443/cart?x=1#y").as_deref(), Some("https://shop.example"));
        assert_eq!(origin_of_url("http://127.0.0.1:8311").as_deref(), Some("http://127.0.0.1:8311"));
        assert_eq!(origin_of_url("ftp://shop.example/"), None);
        assert_eq!(origin_of_url("https://u@shop.example/"), None);
        assert_eq!(origin_of_url("shop.example"), None);
    }
}
