//! A per-source-address token bucket for the public (unsigned) Cognito actions: each address
//! may make `burst` calls at once and `per_second` on average. In memory, per node; the map is
//! bounded (full buckets are dropped first, and the whole map if that is not enough), so that
//! many addresses cannot grow it without end. IPv6 addresses count per /64, as one host
//! usually holds the whole prefix.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

/// Addresses remembered at most.
const MAX_ADDRESSES: usize = 65_536;

/// The limit: `per_second` calls on average and `burst` at once; `per_second = 0` turns it off.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AddressRate {
    pub per_second: f64,
    pub burst: u32,
}

impl Default for AddressRate {
    /// 20 calls a second, 40 at once.
    fn default() -> AddressRate {
        AddressRate {
            per_second: 20.0,
            burst: 40,
        }
    }
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

pub struct AddressRateLimiter {
    rate: AddressRate,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

impl AddressRateLimiter {
    pub fn new(rate: AddressRate) -> AddressRateLimiter {
        AddressRateLimiter {
            rate,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for `address` at `now`; false when its bucket is empty.
    pub fn allow(&self, address: IpAddr, now: Instant) -> bool {
        if self.rate.per_second <= 0.0 {
            return true;
        }
        let key = bucket_key(address);
        let burst = f64::from(self.rate.burst.max(1));
        let refill = |b: &Bucket| {
            let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
            (b.tokens + elapsed * self.rate.per_second).min(burst)
        };
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if !buckets.contains_key(&key) && buckets.len() >= MAX_ADDRESSES {
            buckets.retain(|_, b| refill(b) < burst);
            if buckets.len() >= MAX_ADDRESSES {
                buckets.clear();
            }
        }
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        let tokens = refill(bucket);
        bucket.at = now;
        if tokens >= 1.0 {
            bucket.tokens = tokens - 1.0;
            true
        } else {
            bucket.tokens = tokens;
            false
        }
    }
}

/// IPv4 (and IPv4-mapped) addresses as they are; IPv6 ones by their /64 prefix.
fn bucket_key(address: IpAddr) -> IpAddr {
    match address.to_canonical() {
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(bits.into())
        }
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn bucket_refills_at_the_rate() {
        let limiter = AddressRateLimiter::new(AddressRate {
            per_second: 2.0,
            burst: 3,
        });
        let a: IpAddr = "192.0.2.1".parse().expect("ip");
        let t0 = Instant::now();
        assert!((0..3).all(|_| limiter.allow(a, t0)));
        assert!(!limiter.allow(a, t0));
        assert!(limiter.allow("192.0.2.2".parse().expect("ip"), t0));
        assert!(limiter.allow(a, t0 + Duration::from_millis(500)));
        assert!(!limiter.allow(a, t0 + Duration::from_millis(500)));
        // One /64 is one bucket.
        let v6 = |s: &str| s.parse::<IpAddr>().expect("ip");
        assert!((0..3).all(|_| limiter.allow(v6("2001:db8::1"), t0)));
        assert!(!limiter.allow(v6("2001:db8::2"), t0));
        assert!(limiter.allow(v6("2001:db8:0:1::1"), t0));
    }

    #[test]
    fn zero_rate_is_off() {
        let limiter = AddressRateLimiter::new(AddressRate {
            per_second: 0.0,
            burst: 0,
        });
        let a: IpAddr = "192.0.2.1".parse().expect("ip");
        assert!((0..1000).all(|_| limiter.allow(a, Instant::now())));
    }
}
