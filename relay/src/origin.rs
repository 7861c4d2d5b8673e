//! Origin patterns: which web pages may embed a tenant's widget or open its
//! sockets. A pattern is an exact origin (`https://shop.example`), an origin with
//! any port (`http://localhost:*`), or any subdomain (`https://*.shop.example`).

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

/// Checks that `pattern` is something [`origin_allowed`] can match: a scheme, a
/// host (optionally `*.`-prefixed), an optional port or `*`, and nothing else.
pub fn validate_pattern(pattern: &str) -> Result<(), &'static str> {
    let Some((scheme, rest)) = pattern.split_once("://") else {
        return Err("must start with http:// or https://");
    };
    if scheme != "http" && scheme != "https" {
        return Err("scheme must be http or https");
    }
    if rest.is_empty() || rest.contains('/') || rest.contains('?') || rest.contains('#') {
        return Err("must be an origin: scheme://host[:port], no path");
    }
    let (host, port) = split_port(rest);
    let host = host.strip_prefix("*.").unwrap_or(host);
    if host.is_empty() || host.contains('*') {
        return Err("host must be a name, optionally prefixed by '*.'");
    }
    match port {
        None | Some("*") => Ok(()),
        Some(p) if p.parse::<u16>().is_ok() => Ok(()),
        Some(_) => Err("port must be a number or '*'"),
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
        assert!(validate_pattern("https://shop.example").is_ok());
        assert!(validate_pattern("http://localhost:*").is_ok());
        assert!(validate_pattern("https://*.shop.example:8443").is_ok());
        assert!(validate_pattern("shop.example").is_err());
        assert!(validate_pattern("https://shop.example/path").is_err());
        assert!(validate_pattern("ftp://shop.example").is_err());
        assert!(validate_pattern("https://*").is_err());
        assert!(validate_pattern("https://a:b").is_err());
    }
}
