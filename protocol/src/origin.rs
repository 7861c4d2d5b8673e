//! Origin patterns as a person types or pastes them, normalised to what
//! browsers send in `Origin` (shared by the relay, which stores them, and the
//! console, which checks an entry before sending it).

use std::fmt;

/// Most origin patterns one tenant may list.
pub const MAX_ORIGINS: usize = 50;
/// Longest origin pattern accepted (a DNS name is at most 253 bytes).
pub const MAX_ORIGIN_LEN: usize = 300;

/// Why a text is not an origin pattern. The English messages (`Display`) are
/// meant for a shop owner; the console shows its own per language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginError {
    Empty,
    TooLong,
    NoScheme,
    BadScheme(String),
    Userinfo,
    Path(String),
    Query,
    Fragment,
    NoHost,
    BadHost(String),
    BadPort(String),
}

impl fmt::Display for OriginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const ONLY: &str = "an origin is only scheme://host[:port]";
        match self {
            Self::Empty => write!(f, "is empty"),
            Self::TooLong => write!(f, "is too long (at most {MAX_ORIGIN_LEN} characters)"),
            Self::NoScheme => write!(f, "must start with http:// or https://"),
            Self::BadScheme(s) => write!(f, "scheme {s:?} is not http or https"),
            Self::Userinfo => write!(f, "has a user name or password before '@'; an origin has none"),
            Self::Path(p) => write!(f, "has a path ({p:?}); {ONLY}"),
            Self::Query => write!(f, "has a query ('?…'); {ONLY}"),
            Self::Fragment => write!(f, "has a fragment ('#…'); {ONLY}"),
            Self::NoHost => write!(f, "has no host name"),
            Self::BadHost(h) => write!(
                f,
                "host {h:?} is not a valid name (letters, digits, '-' and '.', optionally prefixed by '*.'; \
                 write international names in their xn-- form)"
            ),
            Self::BadPort(p) => write!(f, "port {p:?} is not a number from 1 to 65535 or '*'"),
        }
    }
}

impl std::error::Error for OriginError {}

/// Normalises an origin pattern as a person may paste it: surrounding spaces and
/// a trailing `/` (as copied from the address bar) go, scheme and host become
/// lower case, and the scheme's default port is dropped, so
/// `HTTP://Shop.Example:443/` is not refused but stored as browsers send it.
/// Refuses only what cannot be an origin: a path, query, fragment, user info,
/// another scheme, a bad host or port.
pub fn normalize_pattern(input: &str) -> Result<String, OriginError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(OriginError::Empty);
    }
    if text.len() > MAX_ORIGIN_LEN {
        return Err(OriginError::TooLong);
    }
    let (scheme, rest) = text.split_once("://").ok_or(OriginError::NoScheme)?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(OriginError::BadScheme(scheme));
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    check_tail(tail)?;
    if authority.contains('@') {
        return Err(OriginError::Userinfo);
    }
    let (host, port) = split_port(authority);
    let host = normalize_host(host)?;
    let port = match port {
        None => None,
        Some("*") => Some("*".to_owned()),
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 && default_port(&scheme) == Some(n) => None,
            Ok(n) if n > 0 => Some(n.to_string()),
            _ => return Err(OriginError::BadPort(p.to_owned())),
        },
    };
    Ok(match port {
        Some(port) => format!("{scheme}://{host}:{port}"),
        None => format!("{scheme}://{host}"),
    })
}

/// Normalises a list of patterns, dropping duplicates; the error names the
/// position (0-based) and the text of the first bad entry.
pub fn normalize_patterns(inputs: &[String]) -> Result<Vec<String>, (usize, OriginError)> {
    let mut out: Vec<String> = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        let pattern = normalize_pattern(input).map_err(|e| (i, e))?;
        if !out.contains(&pattern) {
            out.push(pattern);
        }
    }
    Ok(out)
}

/// Only an empty path or a single `/` may follow the host.
fn check_tail(tail: &str) -> Result<(), OriginError> {
    let path_end = tail.find(['?', '#']).unwrap_or(tail.len());
    let (path, after) = tail.split_at(path_end);
    if path.len() > 1 {
        return Err(OriginError::Path(path.to_owned()));
    }
    match after.chars().next() {
        Some('?') => Err(OriginError::Query),
        Some(_) => Err(OriginError::Fragment),
        None => Ok(()),
    }
}

fn normalize_host(host: &str) -> Result<String, OriginError> {
    if host.is_empty() {
        return Err(OriginError::NoHost);
    }
    let bad = || OriginError::BadHost(host.to_owned());
    let host = host.to_ascii_lowercase();
    if let Some(inner) = host.strip_prefix('[') {
        // An IPv6 literal: hex digits, ':' and '.' inside the brackets.
        let ok = inner.strip_suffix(']').is_some_and(|ip| ip.parse::<std::net::Ipv6Addr>().is_ok());
        return if ok { Ok(host) } else { Err(bad()) };
    }
    let name = host.strip_prefix("*.").unwrap_or(&host);
    let labels_ok = name.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    });
    if labels_ok { Ok(host) } else { Err(bad()) }
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

/// The origin (`scheme://host[:port]`, normalised) of a page URL, or `None` if
/// it is not an http(s) URL with a host.
pub fn origin_of_url(url: &str) -> Option<String> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    if authority.contains('@') {
        return None;
    }
    let origin = normalize_pattern(&format!("{scheme}://{authority}")).ok()?;
    (!origin.contains('*')).then_some(origin)
}

/// Splits `host[:port]`, leaving IPv6 brackets intact.
fn split_port(host_port: &str) -> (&str, Option<&str>) {
    match host_port.rfind(':') {
        Some(i) if !host_port[i..].contains(']') => (&host_port[..i], Some(&host_port[i + 1..])),
        _ => (host_port, None),
    }
}
