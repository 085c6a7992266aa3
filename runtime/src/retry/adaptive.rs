//! `adaptive` mode's client-side rate limiter, ported from botocore (`retries/adaptive.py`,
//! `throttling.py`, `bucket.py`): a token bucket whose fill rate follows TCP CUBIC. Every
//! response is measured ([`RateClocker`]); a throttling response cuts the allowed rate to 70%
//! of what was being sent and turns the limiter on; successes grow it back along the cubic
//! curve. While on, every attempt first takes a token, waiting for one if need be.
//!
//! The parts are pure (time is passed in, in seconds) so they are tested like botocore's own
//! tests; [`ClientRateLimiter`] ties them together under one lock.

/// botocore's `CubicCalculator`.
#[derive(Clone, Debug)]
pub struct CubicCalculator {
    w_max: f64,
    k: f64,
    last_fail: f64,
    scale_constant: f64,
    beta: f64,
}

impl CubicCalculator {
    pub const SCALE_CONSTANT: f64 = 0.4;
    pub const BETA: f64 = 0.7;

    pub fn new(starting_max_rate: f64, start_time: f64) -> Self {
        let mut c = CubicCalculator {
            w_max: starting_max_rate,
            k: 0.0,
            last_fail: start_time,
            scale_constant: Self::SCALE_CONSTANT,
            beta: Self::BETA,
        };
        c.k = c.zero_point();
        c
    }

    fn zero_point(&self) -> f64 {
        ((self.w_max * (1.0 - self.beta)) / self.scale_constant).cbrt()
    }

    /// The rate after a success at `timestamp`.
    pub fn success_received(&self, timestamp: f64) -> f64 {
        let dt = timestamp - self.last_fail;
        self.scale_constant * (dt - self.k).powi(3) + self.w_max
    }

    /// The rate after a throttling error while sending at `current_rate`.
    pub fn error_received(&mut self, current_rate: f64, timestamp: f64) -> f64 {
        self.w_max = current_rate;
        self.k = self.zero_point();
        self.last_fail = timestamp;
        current_rate * self.beta
    }

    /// (`w_max`, `k`, `last_fail`), for tests and debugging.
    pub fn params(&self) -> (f64, f64, f64) {
        (self.w_max, self.k, self.last_fail)
    }
}

/// botocore's `TokenBucket`, non-blocking: [`TokenBucket::try_acquire`] says how long to wait
/// instead of waiting.
#[derive(Clone, Debug)]
pub struct TokenBucket {
    fill_rate: f64,
    max_capacity: f64,
    current_capacity: f64,
    last_timestamp: Option<f64>,
}

impl TokenBucket {
    pub const MIN_RATE: f64 = 0.5;

    pub fn new(max_rate: f64, now: f64) -> Self {
        let mut b = TokenBucket {
            fill_rate: 0.0,
            max_capacity: 0.0,
            current_capacity: 0.0,
            last_timestamp: None,
        };
        b.set_max_rate(max_rate, now);
        b
    }

    pub fn max_rate(&self) -> f64 {
        self.fill_rate
    }

    pub fn available_capacity(&self) -> f64 {
        self.current_capacity
    }

    pub fn set_max_rate(&mut self, value: f64, now: f64) {
        self.refill(now);
        self.fill_rate = value.max(Self::MIN_RATE);
        self.max_capacity = if value >= 1.0 { value } else { 1.0 };
        self.current_capacity = self.current_capacity.min(self.max_capacity);
    }

    /// Takes one token, or says how many seconds until one is available.
    pub fn try_acquire(&mut self, now: f64) -> Result<(), f64> {
        self.refill(now);
        if 1.0 <= self.current_capacity {
            self.current_capacity -= 1.0;
            Ok(())
        } else {
            Err((1.0 - self.current_capacity) / self.fill_rate)
        }
    }

    fn refill(&mut self, now: f64) {
        match self.last_timestamp {
            None => self.last_timestamp = Some(now),
            Some(last) => {
                let fill = (now - last) * self.fill_rate;
                self.current_capacity = (self.current_capacity + fill).min(self.max_capacity);
                self.last_timestamp = Some(now);
            }
        }
    }
}

/// botocore's `RateClocker`: the smoothed rate of responses, in half-second buckets.
#[derive(Clone, Debug)]
pub struct RateClocker {
    measured_rate: f64,
    last_bucket: f64,
    count: f64,
}

impl RateClocker {
    const SMOOTHING: f64 = 0.8;
    const TIME_BUCKET_SCALE: f64 = 2.0; // 1 / 0.5 s

    pub fn new(now: f64) -> Self {
        RateClocker {
            measured_rate: 0.0,
            last_bucket: now.floor(),
            count: 0.0,
        }
    }

    pub fn record(&mut self, now: f64) -> f64 {
        let bucket = (now * Self::TIME_BUCKET_SCALE).floor() / Self::TIME_BUCKET_SCALE;
        self.count += 1.0;
        if bucket > self.last_bucket {
            let current_rate = self.count / (bucket - self.last_bucket);
            self.measured_rate =
                current_rate * Self::SMOOTHING + self.measured_rate * (1.0 - Self::SMOOTHING);
            self.count = 0.0;
            self.last_bucket = bucket;
        }
        self.measured_rate
    }

    pub fn measured_rate(&self) -> f64 {
        self.measured_rate
    }
}

/// botocore's `ClientRateLimiter`, with time passed in.
#[derive(Clone, Debug)]
pub struct ClientRateLimiter {
    cubic: CubicCalculator,
    clocker: RateClocker,
    bucket: TokenBucket,
    enabled: bool,
}

impl ClientRateLimiter {
    const MAX_RATE_ADJUST_SCALE: f64 = 2.0;

    pub fn new(now: f64) -> Self {
        ClientRateLimiter {
            cubic: CubicCalculator::new(0.0, now),
            clocker: RateClocker::new(now),
            bucket: TokenBucket::new(1.0, now),
            enabled: false,
        }
    }

    /// Before sending: `Ok` to send now, or the seconds to wait before asking again.
    pub fn on_sending_request(&mut self, now: f64) -> Result<(), f64> {
        if self.enabled {
            self.bucket.try_acquire(now)
        } else {
            Ok(())
        }
    }

    /// After every response (or transport failure): adjusts the allowed rate.
    pub fn on_receiving_response(&mut self, throttling: bool, now: f64) {
        let measured = self.clocker.record(now);
        let new_rate = if !throttling {
            self.cubic.success_received(now)
        } else {
            let rate_to_use = if self.enabled {
                measured.min(self.bucket.max_rate())
            } else {
                measured
            };
            self.enabled = true;
            self.cubic.error_received(rate_to_use, now)
        };
        self.bucket
            .set_max_rate(new_rate.min(Self::MAX_RATE_ADJUST_SCALE * measured), now);
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The token bucket's fill rate (requests per second) while enabled.
    pub fn max_rate(&self) -> f64 {
        self.bucket.max_rate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-3
    }

    /// After an error at rate 10 the rate dips to 7 and climbs back along the cubic curve.
    #[test]
    fn cubic_matches_botocore() {
        let mut c = CubicCalculator::new(10.0, 0.0);
        assert!(close(c.error_received(10.0, 1.0), 7.0));
        let (w_max, k, last) = c.params();
        assert!(
            close(w_max, 10.0) && close(k, 1.9574) && close(last, 1.0),
            "{k}"
        );
        // Values computed by botocore 1.44.5's own `CubicCalculator` for the same inputs.
        let expected = [
            (1.0, 7.0),
            (1.5, 8.7617),
            (2.0, 9.6489),
            (2.5, 9.9617),
            (3.0, 10.0),
            (3.5, 10.0639),
            (5.0, 13.4087),
        ];
        for (t, rate) in expected {
            let got = c.success_received(t);
            assert!(close(got, rate), "t={t}: {got} vs {rate}");
        }
    }

    #[test]
    fn token_bucket_waits_for_tokens() {
        let mut b = TokenBucket::new(1.0, 0.0);
        // Starts empty: the first token takes one second at 1/s.
        assert!(close(b.try_acquire(0.0).unwrap_err(), 1.0));
        assert!(b.try_acquire(1.0).is_ok());
        b.set_max_rate(10.0, 1.0);
        assert!(close(b.try_acquire(1.0).unwrap_err(), 0.1));
        assert!(b.try_acquire(1.1).is_ok());
        // Capacity is capped at the rate.
        b.set_max_rate(2.0, 100.0);
        assert!(b.try_acquire(100.0).is_ok());
        assert!(b.try_acquire(100.0).is_ok());
        assert!(b.try_acquire(100.0).is_err());
        // The rate never drops below 0.5/s.
        b.set_max_rate(0.1, 100.0);
        assert!(close(b.max_rate(), 0.5));
    }

    #[test]
    fn limiter_turns_on_at_the_first_throttle_and_cuts_the_rate() {
        let mut l = ClientRateLimiter::new(0.0);
        // Off: every request goes straight out.
        for i in 0..20 {
            let t = i as f64 * 0.1;
            assert!(l.on_sending_request(t).is_ok());
            l.on_receiving_response(false, t);
        }
        assert!(!l.enabled());
        // ~10 responses/s measured; a throttle cuts to 70% of that.
        l.on_receiving_response(true, 2.0);
        assert!(l.enabled());
        let measured = l.clocker.measured_rate();
        assert!(close(
            l.max_rate(),
            (measured * 0.7).max(TokenBucket::MIN_RATE)
        ));
        assert!(l.max_rate() < measured);
        // Now sending waits for tokens.
        let mut waited = false;
        for _ in 0..5 {
            if l.on_sending_request(2.0).is_err() {
                waited = true;
            }
        }
        assert!(waited);
    }
}
