//! Numbers for sale: plausible US numbers generated per configured area code, the same on
//! every run, minus those the account holds.

use std::collections::HashSet;

/// A number on offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Offer {
    pub phone_number: String,
    pub region: &'static str,
    pub locality: &'static str,
}

/// What a search asks for.
#[derive(Debug, Clone, Default)]
pub(super) struct Wanted<'a> {
    pub area_code: Option<&'a str>,
    /// Digits and `*` (any one digit), matched anywhere in the national number.
    pub contains: Option<&'a str>,
    pub limit: usize,
}

/// Candidates tried per area code before giving up on a pattern.
const TRIES: u64 = 20_000;

pub(super) fn search(
    area_codes: &[String],
    taken: &HashSet<String>,
    wanted: &Wanted<'_>,
) -> Vec<Offer> {
    let areas: Vec<&str> = match wanted.area_code {
        Some(code) => area_codes
            .iter()
            .map(String::as_str)
            .filter(|a| *a == code)
            .collect(),
        None => area_codes.iter().map(String::as_str).collect(),
    };
    let pattern = wanted.contains.filter(|p| !p.is_empty());
    let mut found = Vec::new();
    for area in areas {
        let (region, locality) = place(area);
        for i in 0..TRIES {
            if found.len() >= wanted.limit {
                return found;
            }
            let Some(local) = local_number(i, pattern) else {
                continue;
            };
            let national = format!("{area}{local}");
            let number = format!("+1{national}");
            if pattern.is_some_and(|p| !matches(&national, p)) || taken.contains(&number) {
                continue;
            }
            if found.iter().any(|o: &Offer| o.phone_number == number) {
                continue;
            }
            found.push(Offer {
                phone_number: number,
                region,
                locality,
            });
        }
    }
    found
}

/// Whether `number` is one the pool would offer (a configured area code, a valid exchange).
pub(super) fn offers(area_codes: &[String], number: &str) -> bool {
    let Some(national) = number.strip_prefix("+1") else {
        return false;
    };
    national.len() == 10
        && national.bytes().all(|b| b.is_ascii_digit())
        && area_codes.iter().any(|a| national.starts_with(a.as_str()))
        && valid_exchange(&national[3..6])
}

/// The `i`-th seven-digit local number, its last digits taken from `pattern` when it fits.
fn local_number(i: u64, pattern: Option<&str>) -> Option<String> {
    let spread = (i * 7_919 + 2_345_678) % 8_000_000 + 2_000_000;
    let mut digits = spread.to_string().into_bytes();
    if let Some(p) = pattern.filter(|p| p.len() <= 7) {
        let start = digits.len() - p.len();
        for (slot, c) in digits[start..].iter_mut().zip(p.bytes()) {
            if c.is_ascii_digit() {
                *slot = c;
            }
        }
    }
    let local = String::from_utf8(digits).ok()?;
    valid_exchange(&local[..3]).then_some(local)
}

/// NANP exchanges: first digit 2–9, not an N11 service code, not the 555 directory code.
fn valid_exchange(exchange: &str) -> bool {
    let b = exchange.as_bytes();
    b.len() == 3 && (b'2'..=b'9').contains(&b[0]) && &b[1..] != b"11" && exchange != "555"
}

fn matches(national: &str, pattern: &str) -> bool {
    let (n, p) = (national.as_bytes(), pattern.as_bytes());
    p.len() <= n.len()
        && n.windows(p.len())
            .any(|w| w.iter().zip(p).all(|(d, c)| *c == b'*' || d == c))
}

fn place(area_code: &str) -> (&'static str, &'static str) {
    match area_code {
        "415" => ("CA", "San Francisco"),
        "212" => ("NY", "New York"),
        "312" => ("IL", "Chicago"),
        "512" => ("TX", "Austin"),
        "206" => ("WA", "Seattle"),
        "617" => ("MA", "Boston"),
        _ => ("", ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn areas() -> Vec<String> {
        vec!["415".into(), "212".into()]
    }

    #[test]
    fn offers_plausible_distinct_numbers_per_area_code() {
        let wanted = Wanted {
            area_code: Some("415"),
            limit: 20,
            ..Wanted::default()
        };
        let found = search(&areas(), &HashSet::new(), &wanted);
        assert_eq!(found.len(), 20);
        for offer in &found {
            assert!(offer.phone_number.starts_with("+1415"), "{offer:?}");
            assert!(offers(&areas(), &offer.phone_number));
            assert_eq!(offer.locality, "San Francisco");
        }
        let unique: HashSet<_> = found.iter().map(|o| &o.phone_number).collect();
        assert_eq!(unique.len(), 20);
        assert_eq!(found, search(&areas(), &HashSet::new(), &wanted), "stable");
        let none = Wanted {
            area_code: Some("999"),
            limit: 5,
            ..Wanted::default()
        };
        assert!(search(&areas(), &HashSet::new(), &none).is_empty());
    }

    #[test]
    fn contains_and_taken_numbers() {
        let wanted = Wanted {
            contains: Some("42*7"),
            limit: 5,
            ..Wanted::default()
        };
        let found = search(&areas(), &HashSet::new(), &wanted);
        assert_eq!(found.len(), 5);
        assert!(found.iter().all(|o| matches(&o.phone_number[2..], "42*7")));
        let taken: HashSet<String> = [found[0].phone_number.clone()].into();
        let again = search(&areas(), &taken, &wanted);
        assert!(
            !again
                .iter()
                .any(|o| o.phone_number == found[0].phone_number)
        );
        assert!(!offers(&areas(), "+14155550100"), "555 is not for sale");
        assert!(
            !offers(&areas(), "+13125550100"),
            "not a configured area code"
        );
    }
}
