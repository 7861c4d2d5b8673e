//! Who the client is, as an IP address: the peer of the TCP connection, or —
//! only when that peer is one of the configured trusted proxies — the address
//! the proxies recorded in `X-Forwarded-For` or `Forwarded`. The sign-in
//! throttle and the per-address socket caps key on it.
//!
//! A forwarding header is client-controlled text until a proxy we trust vouches
//! for it, so it is read from the right (the hop the nearest proxy appended) and
//! every hop that is itself a trusted proxy is skipped; the first other address
//! is the client. Entries further left were written by whoever sent the request
//! and are never believed. Only the one header the proxies are configured to
//! write is read: a proxy that appends to `X-Forwarded-For` passes a client's
//! own `Forwarded` header through untouched, so reading both would let a client
//! choose its address.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use axum::http::HeaderMap;

/// An IP network: an address and a prefix length (`10.0.0.0/8`, `::1/128`; a
/// bare address is a network of one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

/// Why a trusted-proxy entry could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{entry:?} is not an IP address or network (like 10.0.0.0/8 or ::1): {reason}")]
pub struct InvalidCidr {
    entry: String,
    reason: &'static str,
}

impl Cidr {
    /// The loopback networks, `127.0.0.0/8` and `::1`.
    pub fn loopback() -> Vec<Self> {
        vec![
            Self { addr: IpAddr::from([127, 0, 0, 0]), prefix: 8 },
            Self { addr: IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 1]), prefix: 128 },
        ]
    }

    /// Whether `ip` is inside this network. An IPv4 address mapped into IPv6
    /// (`::ffff:10.0.0.1`, as a dual-stack listener reports it) counts as IPv4.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => prefix_eq(&net.octets(), &ip.octets(), self.prefix),
            (IpAddr::V6(net), IpAddr::V6(ip)) => prefix_eq(&net.octets(), &ip.octets(), self.prefix),
            _ => false,
        }
    }
}

impl FromStr for Cidr {
    type Err = InvalidCidr;

    fn from_str(s: &str) -> Result<Self, InvalidCidr> {
        let invalid = |reason| InvalidCidr { entry: s.to_owned(), reason };
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (s.trim(), None),
        };
        let addr = canonical(addr.parse::<IpAddr>().map_err(|_| invalid("not an IP address"))?);
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(|| invalid("bad prefix length"))?,
        };
        Ok(Self { addr, prefix })
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// Whether the first `prefix` bits of `a` and `b` are equal.
fn prefix_eq(a: &[u8], b: &[u8], prefix: u8) -> bool {
    let (bytes, bits) = (usize::from(prefix / 8), prefix % 8);
    if a[..bytes] != b[..bytes] {
        return false;
    }
    bits == 0 || {
        let mask = 0xffu8 << (8 - bits);
        a[bytes] & mask == b[bytes] & mask
    }
}

/// IPv4-mapped IPv6 addresses as the IPv4 address they carry.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// Which header the trusted proxies write the client's address to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ForwardedHeader {
    /// `X-Forwarded-For: client, proxy1, proxy2` (nginx, HAProxy, Caddy,
    /// Traefik, cloud load balancers).
    #[default]
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=client;proto=https, for="[2001:db8::1]:443"`.
    Forwarded,
}

impl fmt::Display for ForwardedHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::XForwardedFor => "x-forwarded-for",
            Self::Forwarded => "forwarded",
        })
    }
}

impl FromStr for ForwardedHeader {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "x-forwarded-for" => Ok(Self::XForwardedFor),
            "forwarded" => Ok(Self::Forwarded),
            other => Err(format!("{other:?}: expected x-forwarded-for or forwarded")),
        }
    }
}

/// Most hops of a forwarding header looked at; a longer chain is not a real one.
const MAX_HOPS: usize = 32;

/// Resolves a request's client address from its peer and headers.
#[derive(Debug, Clone, Default)]
pub struct ClientAddrs {
    trusted: Vec<Cidr>,
    header: ForwardedHeader,
}

impl ClientAddrs {
    pub fn new(trusted: Vec<Cidr>, header: ForwardedHeader) -> Self {
        Self { trusted, header }
    }

    fn is_trusted(&self, ip: IpAddr) -> bool {
        self.trusted.iter().any(|net| net.contains(ip))
    }

    /// The client's address: the peer's, unless the peer is a trusted proxy and
    /// the forwarding header names someone else (see the module comment).
    pub fn client_ip(&self, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = canonical(peer.ip());
        if !self.is_trusted(client) {
            return client;
        }
        let hops = self.hops(headers);
        for hop in hops.iter().rev().take(MAX_HOPS) {
            // An entry we cannot read ("unknown", an obfuscated name) ends the
            // chain: the last proxy that wrote a readable one stands for it.
            let Some(ip) = hop.map(canonical) else { return client };
            client = ip;
            if !self.is_trusted(ip) {
                return ip;
            }
        }
        client
    }

    /// The header's hops, left (client side) to right (nearest proxy); `None`
    /// for an entry that is not an address. Repeated headers are one list.
    fn hops(&self, headers: &HeaderMap) -> Vec<Option<IpAddr>> {
        let (name, parse): (&str, fn(&str) -> Option<IpAddr>) = match self.header {
            ForwardedHeader::XForwardedFor => ("x-forwarded-for", parse_node),
            ForwardedHeader::Forwarded => ("forwarded", forwarded_for),
        };
        headers
            .get_all(name)
            .iter()
            .flat_map(|v| v.to_str().map_or_else(|_| vec![None], |v| v.split(',').map(parse).collect()))
            .collect()
    }
}

/// The `for=` node of one `Forwarded` element (`for=192.0.2.60;proto=http`).
fn forwarded_for(element: &str) -> Option<IpAddr> {
    element.split(';').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        key.trim().eq_ignore_ascii_case("for").then(|| parse_node(value.trim().trim_matches('"')))?
    })
}

/// An address as proxies write it: `192.0.2.60`, `192.0.2.60:4711`,
/// `2001:db8::1`, `[2001:db8::1]`, `[2001:db8::1]:4711`.
fn parse_node(node: &str) -> Option<IpAddr> {
    let node = node.trim();
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split_once(']').and_then(|(ip, _)| ip.parse().ok());
    }
    node.parse::<SocketAddr>().ok().map(|s| s.ip())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn peer(s: &str) -> SocketAddr {
        SocketAddr::new(ip(s), 40000)
    }

    fn headers(name: &'static str, values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(name, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn nets(list: &[&str]) -> Vec<Cidr> {
        list.iter().map(|s| s.parse().unwrap()).collect()
    }

    #[test]
    fn networks_contain_their_addresses() {
        let net: Cidr = "10.1.0.0/16".parse().unwrap();
        assert!(net.contains(ip("10.1.200.3")));
        assert!(!net.contains(ip("10.2.0.1")));
        assert!(net.contains(ip("::ffff:10.1.0.9")), "IPv4-mapped counts as IPv4");
        let odd: Cidr = "192.168.0.0/23".parse().unwrap();
        assert!(odd.contains(ip("192.168.1.255")));
        assert!(!odd.contains(ip("192.168.2.0")));
        let v6: Cidr = "fd00::/8".parse().unwrap();
        assert!(v6.contains(ip("fd12::1")) && !v6.contains(ip("fe80::1")));
        let one: Cidr = "127.0.0.1".parse().unwrap();
        assert!(one.contains(ip("127.0.0.1")) && !one.contains(ip("127.0.0.2")));
        assert!("0.0.0.0/0".parse::<Cidr>().unwrap().contains(ip("8.8.8.8")));
        let loopback = Cidr::loopback();
        assert!(
            loopback.iter().any(|n| n.contains(ip("127.0.0.53"))) && loopback.iter().any(|n| n.contains(ip("::1")))
        );
        assert!(!loopback.iter().any(|n| n.contains(ip("10.0.0.1"))));
        for bad in ["", "10.0.0.0/33", "::/129", "example.com", "10.0.0.0/x"] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
    }

    #[test]
    fn headers_are_ignored_unless_the_peer_is_a_trusted_proxy() {
        let addrs = ClientAddrs::new(nets(&["10.0.0.0/8"]), ForwardedHeader::XForwardedFor);
        let h = headers("x-forwarded-for", &["203.0.113.9"]);
        assert_eq!(addrs.client_ip(peer("198.51.100.1"), &h), ip("198.51.100.1"));
        assert_eq!(addrs.client_ip(peer("10.0.0.2"), &h), ip("203.0.113.9"));
        assert_eq!(ClientAddrs::default().client_ip(peer("10.0.0.2"), &h), ip("10.0.0.2"));
        assert_eq!(addrs.client_ip(peer("10.0.0.2"), &HeaderMap::new()), ip("10.0.0.2"), "no header: the proxy");
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let addrs = ClientAddrs::new(nets(&["10.0.0.0/8"]), ForwardedHeader::XForwardedFor);
        // The client forged the first entry; two of our proxies appended theirs.
        let h = headers("x-forwarded-for", &["1.2.3.4, 203.0.113.9", "10.0.0.7"]);
        assert_eq!(addrs.client_ip(peer("10.0.0.2"), &h), ip("203.0.113.9"));
        // Every hop trusted: the leftmost is as far as we can see.
        let h = headers("x-forwarded-for", &["10.9.9.9, 10.0.0.7"]);
        assert_eq!(addrs.client_ip(peer("10.0.0.2"), &h), ip("10.9.9.9"));
        // An unreadable hop: the last proxy stands for it.
        let h = headers("x-forwarded-for", &["203.0.113.9, unknown, 10.0.0.7"]);
        assert_eq!(addrs.client_ip(peer("10.0.0.2"), &h), ip("10.0.0.7"));
        let h = headers("x-forwarded-for", &["[2001:db8::5]:443, 192.0.2.1:80"]);
        assert_eq!(addrs.client_ip(peer("10.0.0.2"), &h), ip("192.0.2.1"));
    }

    #[test]
    fn only_the_configured_header_is_read() {
        let xff = ClientAddrs::new(nets(&["10.0.0.0/8"]), ForwardedHeader::XForwardedFor);
        let fwd = ClientAddrs::new(nets(&["10.0.0.0/8"]), ForwardedHeader::Forwarded);
        let mut h = headers("forwarded", &[r#"for=198.51.100.7;proto=https, For="[2001:db8:cafe::17]:4711""#]);
        h.append("x-forwarded-for", HeaderValue::from_static("203.0.113.9"));
        assert_eq!(xff.client_ip(peer("10.0.0.2"), &h), ip("203.0.113.9"));
        assert_eq!(fwd.client_ip(peer("10.0.0.2"), &h), ip("2001:db8:cafe::17"));
        let h = headers("forwarded", &["for=_hidden, for=10.0.0.3"]);
        assert_eq!(fwd.client_ip(peer("10.0.0.2"), &h), ip("10.0.0.3"));
        assert_eq!("Forwarded".parse::<ForwardedHeader>(), Ok(ForwardedHeader::Forwarded));
    }
}
