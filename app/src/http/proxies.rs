//! The trusted reverse proxies, and the client's address and scheme as
//! they (and only they) may tell it: `X-Forwarded-For` read from the
//! right, `X-Forwarded-Proto`.

use std::net::IpAddr;

use crate::error::AppError;
use leptos::prelude::*;

/// The reverse proxies whose word the service takes, by address or
/// network (`--trusted-proxy`). A request whose connection comes from one
/// of them is counted by the address it names in `X-Forwarded-For` and is
/// served over HTTPS if it says so in `X-Forwarded-Proto`; any other
/// request by its own connection, whatever headers it carries, so that
/// nobody who reaches the port directly can pose as another client.
#[derive(Debug, Clone, Default)]
pub struct Proxies(std::sync::Arc<[ipnet::IpNet]>);

impl Proxies {
    pub fn new(trusted: Vec<ipnet::IpNet>) -> Self {
        Self(trusted.into())
    }

    /// Whether `address` is a trusted proxy.
    pub fn trusts(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        self.0.iter().any(|net| net.contains(&address))
    }

    /// Whether `address` is a proxy named by its own address (not only
    /// inside a trusted network).
    fn names(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        self.0
            .iter()
            .any(|net| net.prefix_len() == net.max_prefix_len() && net.addr() == address)
    }

    /// The client of a request that came over a connection from `peer`:
    /// from a trusted proxy, the rightmost address of `X-Forwarded-For`
    /// that is not a proxy named by its own address (each hop appends the
    /// address it saw; entries further left come from the client and prove
    /// nothing); otherwise `peer`. An entry that only falls inside a
    /// trusted network is taken as the client: a network that holds
    /// clients too (a hospital's LAN) must not let one of them, posing as a
    /// hop, choose the address it is counted by.
    pub fn client(&self, headers: &axum::http::HeaderMap, peer: IpAddr) -> IpAddr {
        if !self.trusts(peer) {
            return peer.to_canonical();
        }
        let mut client = peer.to_canonical();
        for entry in forwarded_for(headers).into_iter().rev() {
            let Some(address) = forwarded_address(entry) else {
                break;
            };
            client = address;
            if !self.names(address) {
                break;
            }
        }
        client
    }

    /// Whether the client reached the service over HTTPS, as a trusted
    /// proxy in front says.
    pub fn is_https(&self, headers: &axum::http::HeaderMap, peer: IpAddr) -> bool {
        self.trusts(peer)
            && headers
                .get_all("x-forwarded-proto")
                .iter()
                .next_back()
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.rsplit(',').next())
                .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
    }

    /// One line for the log at start: where client addresses come from and
    /// when the service counts itself as served over HTTPS.
    pub fn describe(&self) -> String {
        if self.0.is_empty() {
            return "client addresses come from the connections; no proxy is trusted, \
                    so the service counts itself as served over plain HTTP (cookies without Secure)"
                .to_owned();
        }
        let nets: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        format!(
            "client addresses come from X-Forwarded-For on connections from {} (trusted proxies), \
             from the connection otherwise; served over HTTPS when such a proxy says so \
             in X-Forwarded-Proto",
            nets.join(", ")
        )
    }
}

/// Reads `--trusted-proxy`: an address (`192.0.2.1`, `::1`) or a network
/// (`10.0.0.0/8`, `fd00::/8`).
pub fn parse_trusted(text: &str) -> Result<ipnet::IpNet, String> {
    let text = text.trim();
    text.parse::<ipnet::IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(ipnet::IpNet::from))
        .map(|net| net.trunc())
        .map_err(|_| {
            format!(
                "expected an address or a network such as 127.0.0.1 or 10.0.0.0/8, not {text:?}"
            )
        })
}

/// Every entry of every `X-Forwarded-For` header, in order.
fn forwarded_for(headers: &axum::http::HeaderMap) -> Vec<&str> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .collect()
}

/// An entry of `X-Forwarded-For`: an address, `a.b.c.d:port` or
/// `[v6]:port`.
fn forwarded_address(entry: &str) -> Option<IpAddr> {
    if let Ok(address) = entry.parse::<IpAddr>() {
        return Some(address.to_canonical());
    }
    entry
        .parse::<std::net::SocketAddr>()
        .ok()
        .map(|socket| socket.ip().to_canonical())
}

/// The peer of the connection a request came over.
pub fn peer_of(extensions: &axum::http::Extensions) -> Option<IpAddr> {
    extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip())
}

/// The address of the client making the current request (in a server
/// function).
pub async fn client_address() -> Result<IpAddr, AppError> {
    Ok(connection().await?.0)
}

/// The client's address and whether it reached the service over HTTPS,
/// as the connection or a trusted proxy says.
pub async fn connection() -> Result<(IpAddr, bool), AppError> {
    use axum::extract::ConnectInfo;
    use axum::http::HeaderMap;
    let proxies = use_context::<Proxies>().unwrap_or_default();
    let headers = leptos_axum::extract::<HeaderMap>()
        .await
        .map_err(|e| AppError::internal("read the request headers", &e))?;
    let ConnectInfo(connection) = leptos_axum::extract::<ConnectInfo<std::net::SocketAddr>>()
        .await
        .map_err(|e| AppError::internal("read the client address", &e))?;
    let peer = connection.ip();
    Ok((
        proxies.client(&headers, peer),
        proxies.is_https(&headers, peer),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(nets: &[&str]) -> Proxies {
        Proxies::new(
            nets.iter()
                .map(|n| parse_trusted(n).expect("net"))
                .collect(),
        )
    }

    fn forwarded(value: &str) -> axum::http::HeaderMap {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert("x-forwarded-for", value.parse().expect("header"));
        headers
    }

    #[test]
    fn the_client_is_the_rightmost_forwarded_address_that_is_no_trusted_proxy() {
        let trusted = proxies(&["127.0.0.1", "10.0.0.0/8"]);
        let nginx: IpAddr = [127, 0, 0, 1].into();
        // nginx appended the client it saw; the entries before are the client's own.
        let headers = forwarded("203.0.113.9, 198.51.100.7");
        assert_eq!(
            trusted.client(&headers, nginx),
            IpAddr::from([198, 51, 100, 7])
        );
        // A second proxy in between, named by its address, is skipped…
        let chained = proxies(&["127.0.0.1", "10.0.0.0/8", "10.9.9.9"]);
        let headers = forwarded("198.51.100.7, 10.9.9.9");
        assert_eq!(
            chained.client(&headers, nginx),
            IpAddr::from([198, 51, 100, 7])
        );
        // …but an address that only falls inside a trusted network is the
        // client: a PC on the hospital's network cannot pose as a hop and
        // choose the address it is counted by.
        let headers = forwarded("198.51.100.7, 10.1.2.3");
        assert_eq!(trusted.client(&headers, nginx), IpAddr::from([10, 1, 2, 3]));
        // Ports and bracketed IPv6 are understood.
        let headers = forwarded("198.51.100.7:5123");
        assert_eq!(
            trusted.client(&headers, nginx),
            IpAddr::from([198, 51, 100, 7])
        );
        let headers = forwarded("[2001:db8::7]:443");
        assert_eq!(
            trusted.client(&headers, nginx),
            "2001:db8::7".parse::<IpAddr>().expect("v6")
        );
        // Unreadable: the last trusted hop stands for the client.
        assert_eq!(trusted.client(&forwarded("not an address"), nginx), nginx);
    }

    #[test]
    fn a_request_that_did_not_come_through_a_trusted_proxy_is_its_own_client() {
        let trusted = proxies(&["127.0.0.1"]);
        let direct: IpAddr = [192, 0, 2, 44].into();
        let mut headers = forwarded("198.51.100.7");
        headers.insert("x-forwarded-proto", "https".parse().expect("header"));
        assert_eq!(trusted.client(&headers, direct), direct);
        assert!(!trusted.is_https(&headers, direct));
        assert!(trusted.is_https(&headers, [127, 0, 0, 1].into()));
        assert!(!Proxies::default().is_https(&headers, [127, 0, 0, 1].into()));
        assert!(parse_trusted("10.0.0.0/33").is_err());
        assert!(parse_trusted("proxy.example").is_err());
    }
}
