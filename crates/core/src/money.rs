//! Money arithmetic. Amounts are integer micro-units of the operator's currency, never floats.

use std::num::NonZeroU64;

/// The price of `units` at `unit_price_micros` per `per_units` units, rounded half up to a
/// whole micro-unit: `units * unit_price_micros / per_units`, with a remainder of half a
/// micro-unit or more rounding up.
///
/// The product is taken in `u128`, so it cannot overflow. A result beyond `u64::MAX` micros
/// (about 18 trillion currency units) is not a real price; it saturates, and the store refuses
/// to keep it.
pub fn prorate(units: u64, unit_price_micros: u64, per_units: NonZeroU64) -> u64 {
    let total = u128::from(units) * u128::from(unit_price_micros);
    let per = u128::from(per_units.get());
    let (quotient, remainder) = (total / per, total % per);
    // remainder < per <= u64::MAX, so doubling it fits in u128.
    let rounded = if 2 * remainder >= per {
        quotient + 1
    } else {
        quotient
    };
    u64::try_from(rounded).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn per(n: u64) -> NonZeroU64 {
        NonZeroU64::new(n).unwrap()
    }

    #[test]
    fn worked_examples() {
        // 90 s of audio at 4300 micros per minute: 6450 micros exactly.
        assert_eq!(prorate(90_000, 4_300, per(60_000)), 6_450);
        // 1 character at 300 micros per 1000: 0.3 rounds down.
        assert_eq!(prorate(1, 300, per(1_000)), 0);
        // 5 characters at 100 micros per 1000: 0.5 rounds up.
        assert_eq!(prorate(5, 100, per(1_000)), 1);
        // 15 tokens at 1 micro per 10: 1.5 rounds up to 2.
        assert_eq!(prorate(15, 1, per(10)), 2);
        assert_eq!(prorate(0, 1_000, per(7)), 0);
    }

    #[test]
    fn the_largest_inputs_do_not_overflow() {
        assert_eq!(prorate(u64::MAX, u64::MAX, per(u64::MAX)), u64::MAX);
        assert_eq!(prorate(u64::MAX, 2, per(2)), u64::MAX);
        assert_eq!(prorate(u64::MAX, u64::MAX, per(1)), u64::MAX, "saturates");
    }

    proptest! {
        #[test]
        fn exact_on_multiples(k in 0u64..1 << 32, price in 0u64..1 << 31, p in 1u64..1 << 31) {
            // k * p units cost exactly k * price.
            prop_assert_eq!(prorate(k * p, price, per(p)), k * price);
        }

        #[test]
        fn monotonic_in_units(a in any::<u64>(), b in any::<u64>(), price in any::<u64>(), p in 1u64..) {
            let (low, high) = (a.min(b), a.max(b));
            prop_assert!(prorate(low, price, per(p)) <= prorate(high, price, per(p)));
        }

        #[test]
        fn monotonic_in_price(units in any::<u64>(), a in any::<u64>(), b in any::<u64>(), p in 1u64..) {
            let (low, high) = (a.min(b), a.max(b));
            prop_assert!(prorate(units, low, per(p)) <= prorate(units, high, per(p)));
        }

        #[test]
        fn a_half_rounds_up(k in 0u64..1 << 40, half in 1u64..1 << 20) {
            // (2k + 1) units at 1 micro per 2 units is k + 0.5 micros.
            prop_assert_eq!(prorate(2 * k + 1, 1, per(2)), k + 1);
            // The same with a larger divisor: k * 2h + h units per 2h units is k + 0.5.
            let p = 2 * half;
            prop_assert_eq!(prorate(k * p + half, 1, per(p)), k + 1);
            // Just under a half rounds down.
            prop_assert_eq!(prorate(k * p + half - 1, 1, per(p)), k);
        }

        #[test]
        fn never_off_by_more_than_half(units in any::<u32>(), price in any::<u32>(), p in 1u32..) {
            let exact = f64::from(units) * f64::from(price) / f64::from(p);
            let got = prorate(u64::from(units), u64::from(price), per(u64::from(p))) as f64;
            prop_assert!((got - exact).abs() <= 0.5 + exact * 1e-12);
        }
    }
}
