//! Typed readings of condition values: numbers, dates, booleans, IP ranges, base-64.
//!
//! IAM compares condition values as text and interprets them by operator family. These functions
//! are the one place where text becomes a typed value, used by validation now and by evaluation.

use base64::Engine as _;
use ipnetwork::IpNetwork;
use std::net::IpAddr;

/// An instant in time: seconds since the Unix epoch (UTC) and a nanosecond fraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant {
    /// Whole seconds since 1970-01-01T00:00:00Z (negative before).
    pub seconds: i64,
    /// Nanoseconds within the second, 0..1e9.
    pub nanos: u32,
}

/// Reads a `Bool` value: `true` or `false`, in any letter case.
pub fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Reads a `Numeric…` value: an optionally signed integer or decimal (`42`, `-1.5`, `.5` is
/// rejected). Exponents are accepted as JSON writes them (`1e3`).
pub fn parse_number(text: &str) -> Option<f64> {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (body.get(..i)?, body.get(i + 1..)),
        None => (body, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f)) {
        return None;
    }
    if let Some(e) = exponent {
        if !digits(e.strip_prefix(['-', '+']).unwrap_or(e)) {
            return None;
        }
    }
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Reads an `IpAddress` value: an IPv4 or IPv6 CIDR block, or a bare address meaning a single
/// host (`/32` or `/128`).
pub fn parse_ip_network(text: &str) -> Option<IpNetwork> {
    if text.contains('/') {
        text.parse::<IpNetwork>().ok()
    } else {
        text.parse::<IpAddr>().ok().map(IpNetwork::from)
    }
}

/// Reads a `BinaryEquals` value: standard base-64 with padding.
pub fn parse_base64(text: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

/// Whole seconds since the epoch for a clock reading in seconds (`Date.now() / 1000`,
/// `time.time()`): the second the instant falls in (rounded down, so `-0.5` is `-1`), for
/// instants ISO 8601 can write (years 0000 to 9999), which is what `aws:CurrentTime` is written
/// as. `None` for anything else: NaN, infinities, instants out of that range. Every binding reads
/// a caller's `now` with this, so all of them accept and round the same values.
pub fn epoch_seconds(seconds: f64) -> Option<i64> {
    const FIRST: f64 = -62_167_219_200.0; // 0000-01-01T00:00:00Z
    const LAST: f64 = 253_402_300_799.0; // 9999-12-31T23:59:59Z
    let whole = seconds.floor();
    // The range check also refuses NaN; within it `as` is exact.
    (FIRST..=LAST).contains(&whole).then_some(whole as i64)
}

/// Reads a `Date…` value: an epoch time in seconds (digits only), or one of the W3C profiles of
/// ISO 8601 that AWS documents: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `YYYY-MM-DDThh:mm[:ss[.s…]]TZD`
/// where TZD is `Z`, `±hh:mm`, `±hhmm` or `±hh` (absent means UTC). Partial dates mean their first
/// instant. `T` may be lower-case. A bare `YYYY` is read as epoch seconds, as IAM reads it.
///
/// Written by hand because IAM's accepted forms (partial dates, bare epoch seconds, optional zone)
/// are a mix no date crate parses as one format.
pub fn parse_date(text: &str) -> Option<Instant> {
    let b = text.as_bytes();
    // As IAM does: text of digits only is epoch seconds (so `2030` is 2030 s after the epoch,
    // not the year 2030); anything with a `-` or `T` is ISO 8601.
    if !b.is_empty() && b.iter().all(u8::is_ascii_digit) {
        let seconds: i64 = text.parse().ok()?;
        return Some(Instant { seconds, nanos: 0 });
    }
    let mut cur = Cursor { b, pos: 0 };
    let year = cur.digits(4)? as i64;
    let (mut month, mut day) = (1u32, 1u32);
    let (mut hour, mut minute, mut second, mut nanos) = (0u32, 0u32, 0u32, 0u32);
    let mut offset_minutes = 0i64;
    if cur.eat(b'-') {
        month = cur.digits(2)?;
        if cur.eat(b'-') {
            day = cur.digits(2)?;
            if cur.eat(b'T') || cur.eat(b't') {
                hour = cur.digits(2)?;
                cur.require(b':')?;
                minute = cur.digits(2)?;
                if cur.eat(b':') {
                    second = cur.digits(2)?;
                    if cur.eat(b'.') {
                        let start = cur.pos;
                        let mut frac = 0u64;
                        while let Some(d) = cur.peek().filter(u8::is_ascii_digit) {
                            if cur.pos - start < 9 {
                                frac = frac * 10 + u64::from(d - b'0');
                            }
                            cur.pos += 1;
                        }
                        let n = cur.pos - start;
                        if n == 0 {
                            return None;
                        }
                        for _ in n.min(9)..9 {
                            frac *= 10;
                        }
                        nanos = frac as u32;
                    }
                }
                offset_minutes = cur.zone()?;
            }
        }
    }
    if cur.pos != b.len() {
        return None;
    }
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let seconds =
        days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second)
            - offset_minutes * 60;
    Some(Instant { seconds, nanos })
}

struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn require(&mut self, c: u8) -> Option<()> {
        self.eat(c).then_some(())
    }
    fn digits(&mut self, n: usize) -> Option<u32> {
        let s = self.b.get(self.pos..self.pos + n)?;
        let mut v = 0u32;
        for &d in s {
            if !d.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u32::from(d - b'0');
        }
        self.pos += n;
        Some(v)
    }
    /// `Z`, `±hh:mm`, `±hhmm`, `±hh`, or nothing (UTC). Returns the offset in minutes.
    fn zone(&mut self) -> Option<i64> {
        match self.peek() {
            None => Some(0),
            Some(b'Z' | b'z') => {
                self.pos += 1;
                Some(0)
            }
            Some(sign @ (b'+' | b'-')) => {
                self.pos += 1;
                let h = self.digits(2)?;
                // `±hh:mm`, `±hhmm` or `±hh`
                self.eat(b':');
                let m = if self.peek().is_some() {
                    self.digits(2)?
                } else {
                    0
                };
                if h > 23 || m > 59 {
                    return None;
                }
                let total = i64::from(h * 60 + m);
                Some(if sign == b'-' { -total } else { total })
            }
            Some(_) => None,
        }
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(t: &str) -> i64 {
        parse_date(t).unwrap().seconds
    }

    #[test]
    fn dates_in_every_documented_form() {
        assert_eq!(secs("1970-01-01T00:00:00Z"), 0);
        assert_eq!(secs("2030-01-01T00:00:00Z"), 1_893_456_000);
        assert_eq!(secs("1893456000"), 1_893_456_000);
        assert_eq!(secs("2030"), 2030);
        assert_eq!(secs("2030-01"), 1_893_456_000);
        assert_eq!(secs("2030-01-01"), 1_893_456_000);
        assert_eq!(secs("2030-01-01T01:00+01:00"), 1_893_456_000);
        assert_eq!(secs("2029-12-31t19:00:00-05:00"), 1_893_456_000);
        assert_eq!(secs("2030-01-01T00:00:00"), 1_893_456_000);
        assert_eq!(secs("2030-01-01T02:00:00+0200"), 1_893_456_000);
        let i = parse_date("2030-01-01T00:00:00.25Z").unwrap();
        assert_eq!((i.seconds, i.nanos), (1_893_456_000, 250_000_000));
        assert_eq!(secs("2024-02-29"), 1_709_164_800);
        for bad in [
            "",
            "abc",
            "2030-13-01",
            "2023-02-29",
            "2030-01-01T24:00Z",
            "2030-1-1",
            "234-13",
            "2030-01-01T00:00:00.Z",
            "2030-01-01T00:00+25:00",
            "sdfdsf",
            "99999999999999999999",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn clock_readings_round_down_within_the_years_iso_writes() {
        assert_eq!(epoch_seconds(1_700_000_000.9), Some(1_700_000_000));
        assert_eq!(epoch_seconds(-0.5), Some(-1));
        assert_eq!(epoch_seconds(253_402_300_799.5), Some(253_402_300_799));
        assert_eq!(epoch_seconds(253_402_300_800.0), None);
        assert_eq!(epoch_seconds(-62_167_219_201.0), None);
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e300] {
            assert_eq!(epoch_seconds(bad), None, "{bad}");
        }
        assert_eq!(
            parse_date("9999-12-31T23:59:59Z").map(|i| i.seconds),
            Some(253_402_300_799)
        );
        assert_eq!(
            parse_date("0000-01-01").map(|i| i.seconds),
            Some(-62_167_219_200)
        );
    }

    #[test]
    fn numbers_bools_ips_binary() {
        assert_eq!(parse_number("42"), Some(42.0));
        assert_eq!(parse_number("-1.5"), Some(-1.5));
        assert_eq!(parse_number("1e3"), Some(1000.0));
        for bad in ["", "abc", ".5", "1.", "NaN", "inf", "1e", "0x10"] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
        assert_eq!(parse_bool("TRUE"), Some(true));
        assert_eq!(parse_bool("no"), None);
        assert_eq!(parse_ip_network("203.0.113.7").unwrap().prefix(), 32);
        assert_eq!(parse_ip_network("2001:db8::1").unwrap().prefix(), 128);
        assert_eq!(parse_ip_network("203.0.113.0/24").unwrap().prefix(), 24);
        assert!(parse_ip_network("203.0.113.0/33").is_none());
        assert!(parse_ip_network("not-an-ip").is_none());
        assert_eq!(parse_base64("aGk=").as_deref(), Some(&b"hi"[..]));
        assert!(parse_base64("***").is_none());
    }
}
