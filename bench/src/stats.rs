//! Latency samples (µs) and their percentiles.

use std::fmt;

/// Latencies in microseconds, kept whole: a 10 s run holds at most a few
/// hundred thousand, and exact percentiles beat a histogram's buckets.
#[derive(Debug, Default)]
pub struct Latencies(Vec<u32>);

impl Latencies {
    pub fn with_capacity(n: usize) -> Self {
        Latencies(Vec::with_capacity(n))
    }

    pub fn record(&mut self, us: u64) {
        self.0.push(u32::try_from(us).unwrap_or(u32::MAX));
    }

    pub fn merge(&mut self, other: Latencies) {
        self.0.extend(other.0);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// p50, p99 and max in µs (zeros when empty).
    pub fn summary(&mut self) -> (u32, u32, u32) {
        if self.0.is_empty() {
            return (0, 0, 0);
        }
        self.0.sort_unstable();
        let at = |q: f64| self.0[((self.0.len() - 1) as f64 * q).round() as usize];
        (at(0.50), at(0.99), *self.0.last().expect("not empty"))
    }
}

/// Prints as `p50 1.23 ms  p99 4.56 ms  max 7.89 ms  (n samples)`.
#[derive(Debug)]
pub struct Summary(pub (u32, u32, u32), pub usize);

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = |us: u32| f64::from(us) / 1000.0;
        let (p50, p99, max) = self.0;
        write!(f, "p50 {:.2} ms  p99 {:.2} ms  max {:.2} ms  ({} samples)", ms(p50), ms(p99), ms(max), self.1)
    }
}

impl Latencies {
    pub fn summarise(&mut self) -> Summary {
        Summary(self.summary(), self.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_a_hundred_samples() {
        let mut l = Latencies::default();
        for us in (1..=100).rev() {
            l.record(us);
        }
        assert_eq!(l.summary(), (51, 99, 100));
    }
}
