//! Where tool requests may go: not, unless the operator allows it, to this machine or a
//! private network (server-side request forgery through a tenant-chosen URL).
//!
//! Literal IP addresses are checked before a request; host names when the HTTP client
//! resolves them, by [`GuardedResolver`], so the address checked is the address connected to
//! and a DNS answer that changes between check and connect (rebinding) gains nothing.

use std::error::Error;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

use super::ToolError;

/// What a refused URL is told; names the setting that allows private addresses.
pub const FORBIDDEN_MESSAGE: &str = "tool URLs on loopback or private networks are refused; \
     the operator can allow them with the `voice.allow_private_tool_urls` setting";

/// Which addresses tool requests may reach.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NetworkPolicy {
    /// Allow loopback, private, link-local and other non-public addresses (default false).
    /// For development and for tools that run next to the server.
    pub allow_private: bool,
}

impl NetworkPolicy {
    /// Checks what can be checked without DNS, for a definition being saved: the scheme is
    /// http or https, and the host is not a refused literal IP address nor `localhost`. Other
    /// host names are checked each time a call resolves them.
    pub fn check_url(&self, url: &Url) -> Result<(), ToolError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(ToolError::Invalid(format!(
                "the URL must be http or https, not {}",
                url.scheme()
            )));
        }
        self.check_ip_host(url)?;
        if let Some(Host::Domain(name)) = url.host() {
            let name = name.to_ascii_lowercase();
            if !self.allow_private && (name == "localhost" || name.ends_with(".localhost")) {
                return Err(forbidden());
            }
        }
        Ok(())
    }

    /// Refuses a URL whose host is a literal IP address the policy refuses: the HTTP client
    /// connects to those without asking the resolver.
    pub(super) fn check_ip_host(&self, url: &Url) -> Result<(), ToolError> {
        let ip = match url.host() {
            None => return Err(ToolError::Invalid("the URL has no host".into())),
            Some(Host::Ipv4(ip)) => IpAddr::V4(ip),
            Some(Host::Ipv6(ip)) => IpAddr::V6(ip),
            Some(Host::Domain(_)) => return Ok(()),
        };
        if self.refuses(ip) {
            return Err(forbidden());
        }
        Ok(())
    }

    fn refuses(&self, ip: IpAddr) -> bool {
        !self.allow_private && !is_public(ip)
    }
}

pub(super) fn forbidden() -> ToolError {
    ToolError::Forbidden(FORBIDDEN_MESSAGE.into())
}

/// The marker error [`GuardedResolver`] fails with, found again in the client's error chain.
#[derive(Debug, thiserror::Error)]
#[error("the host resolves to an address the network policy refuses")]
pub(super) struct RefusedAddress;

/// Whether `error`, or anything it wraps, is a [`RefusedAddress`].
pub(super) fn is_refused_address(error: &(dyn Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if error.is::<RefusedAddress>() {
            return true;
        }
        cause = error.source();
    }
    false
}

/// Resolves host names with the system resolver and fails when any address is refused.
pub(super) struct GuardedResolver {
    pub(super) policy: NetworkPolicy,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if addrs.iter().any(|addr| policy.refuses(addr.ip())) {
                return Err(RefusedAddress.into());
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// Whether `ip` is an ordinary public unicast address.
pub(super) fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => is_public_v6(ip),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    let this_network = a == 0;
    let shared_cgnat = a == 100 && (b & 0xc0) == 64;
    let reserved = a >= 240;
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || this_network
        || shared_cgnat
        || reserved)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let segments = ip.segments();
    // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address that may be private.
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return is_public_v4(embedded_v4(segments[6], segments[7]));
    }
    if segments[0] == 0x2002 {
        return is_public_v4(embedded_v4(segments[1], segments[2]));
    }
    let unique_local = (segments[0] & 0xfe00) == 0xfc00;
    let link_or_site_local = (segments[0] & 0xffc0) == 0xfe80 || (segments[0] & 0xffc0) == 0xfec0;
    let documentation = segments[0] == 0x2001 && segments[1] == 0x0db8;
    // ::a.b.c.d, the deprecated IPv4-compatible form.
    let v4_compatible = segments[..6] == [0; 6];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || unique_local
        || link_or_site_local
        || documentation
        || v4_compatible)
}

fn embedded_v4(high: u16, low: u16) -> Ipv4Addr {
    Ipv4Addr::from((u32::from(high) << 16) | u32::from(low))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn loopback_private_link_local_and_special_addresses_are_not_public() {
        for text in [
            "127.0.0.1",
            "127.255.0.9",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.255",
            "0.0.0.0",
            "0.1.2.3",
            "224.0.0.1",
            "255.255.255.255",
            "240.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "2002:c0a8:0101::1",
            "::127.0.0.1",
        ] {
            assert!(!is_public(ip(text)), "{text}");
        }
    }

    #[test]
    fn ordinary_addresses_are_public() {
        for text in [
            "8.8.8.8",
            "1.1.1.1",
            "172.32.0.1",
            "100.128.0.1",
            "192.169.0.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
        ] {
            assert!(is_public(ip(text)), "{text}");
        }
    }

    #[test]
    fn check_url_refuses_literal_private_hosts_and_localhost_unless_allowed() {
        let strict = NetworkPolicy::default();
        let open = NetworkPolicy {
            allow_private: true,
        };
        for url in [
            "http://127.0.0.1:8080/x",
            "http://[::1]/x",
            "http://169.254.169.254/latest/meta-data/",
            "https://10.0.0.1/hook",
            "http://[::ffff:192.168.0.1]/",
            "http://localhost:3000/",
            "http://api.LOCALHOST/",
        ] {
            let url = Url::parse(url).unwrap();
            let error = strict.check_url(&url).unwrap_err();
            assert!(matches!(error, ToolError::Forbidden(_)), "{url}");
            assert!(error.to_string().contains("voice.allow_private_tool_urls"));
            open.check_url(&url).unwrap();
        }
        strict
            .check_url(&Url::parse("https://hooks.example.com/tool").unwrap())
            .unwrap();
        strict
            .check_url(&Url::parse("https://93.184.215.14/tool").unwrap())
            .unwrap();
    }

    #[test]
    fn check_url_wants_http_or_https() {
        for url in ["ftp://example.com/x", "file:///etc/passwd", "mailto:a@b.c"] {
            let error = NetworkPolicy::default()
                .check_url(&Url::parse(url).unwrap())
                .unwrap_err();
            assert!(matches!(error, ToolError::Invalid(_)), "{url}");
        }
    }
}
