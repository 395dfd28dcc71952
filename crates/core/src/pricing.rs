//! What a call is charged. The operator sets what a minute of telephony, speech-to-text and
//! text-to-speech costs them (and a million LLM tokens) and a multiplier; the price is cost x
//! multiplier, metered per second.
//!
//! Rounding, in this order and nowhere else:
//! 1. the connected time is billed in whole seconds, a started second counting in full;
//! 2. each component is `cost per minute x multiplier x seconds / 60`, computed exactly in
//!    integers and rounded **up** to a whole micro-unit (the LLM: `tokens x cost per million x
//!    multiplier / 1 000 000`, also rounded up);
//! 3. the call's charge is the sum of its components.
//!
//! So a one-minute call costs exactly the price per minute, a longer one never more than its
//! minutes at that price, and no component rounds by more than one micro-unit.

use serde::{Deserialize, Serialize};

const MICROS_PER_UNIT: u128 = 1_000_000;

/// A multiplier in millionths (2.0 is 2 000 000), so prices stay integer arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Multiplier(u64);

impl Multiplier {
    pub const ONE: Multiplier = Multiplier(1_000_000);
    /// Multipliers above this are surely a typo.
    pub const MAX: f64 = 1_000.0;

    /// Reads a decimal multiplier such as `2.0` or `1.35`, to six decimal places.
    pub fn from_decimal(value: f64) -> Result<Self, String> {
        if !value.is_finite() || !(0.0..=Self::MAX).contains(&value) {
            return Err(format!(
                "must be a number from 0 to {}, got {value}",
                Self::MAX
            ));
        }
        // In range, so the product fits; this is configuration, not money.
        Ok(Multiplier((value * 1_000_000.0).round() as u64))
    }

    pub fn millionths(self) -> u64 {
        self.0
    }

    pub fn as_decimal(self) -> f64 {
        self.0 as f64 / 1_000_000.0
    }
}

/// The operator's costs, in micro-units, and the multiplier that turns them into prices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pricing {
    pub telephony_per_minute: u64,
    pub stt_per_minute: u64,
    pub tts_per_minute: u64,
    pub llm_per_million_tokens: u64,
    pub multiplier: Multiplier,
}

impl Default for Pricing {
    /// Free: nothing is charged until the operator sets prices.
    fn default() -> Self {
        Pricing {
            telephony_per_minute: 0,
            stt_per_minute: 0,
            tts_per_minute: 0,
            llm_per_million_tokens: 0,
            multiplier: Multiplier::ONE,
        }
    }
}

/// What a finished call used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metered {
    /// How long the call was connected.
    pub duration_ms: u64,
    /// Whether a carrier carried it (a browser call has no telephony).
    pub carried: bool,
    /// LLM tokens in and out, for agent-driven calls.
    pub llm_tokens: u64,
}

/// A call's charge per component, in micro-units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Charge {
    pub billed_seconds: u64,
    pub telephony: u64,
    pub stt: u64,
    pub tts: u64,
    pub llm: u64,
}

impl Charge {
    pub fn total(&self) -> u64 {
        self.telephony
            .saturating_add(self.stt)
            .saturating_add(self.tts)
            .saturating_add(self.llm)
    }
}

/// Connected milliseconds to billed seconds: a started second counts in full.
pub fn billed_seconds(duration_ms: u64) -> u64 {
    duration_ms.div_ceil(1_000)
}

impl Pricing {
    /// The price of a connected minute: the sum of the components' costs times the
    /// multiplier (each rounded up to a micro-unit). Without a carrier, telephony is free.
    pub fn price_per_minute(&self, carried: bool) -> u64 {
        self.charge(&Metered {
            duration_ms: 60_000,
            carried,
            llm_tokens: 0,
        })
        .total()
    }

    /// The price of a million LLM tokens.
    pub fn price_per_million_tokens(&self) -> u64 {
        self.scale(self.llm_per_million_tokens, 1, 1)
    }

    pub fn charge(&self, usage: &Metered) -> Charge {
        let seconds = billed_seconds(usage.duration_ms);
        let per_second = |cost_per_minute: u64| self.scale(cost_per_minute, seconds, 60);
        Charge {
            billed_seconds: seconds,
            telephony: if usage.carried {
                per_second(self.telephony_per_minute)
            } else {
                0
            },
            stt: per_second(self.stt_per_minute),
            tts: per_second(self.tts_per_minute),
            llm: self.scale(self.llm_per_million_tokens, usage.llm_tokens, 1_000_000),
        }
    }

    /// `cost x multiplier x units / per`, rounded up to a whole micro-unit; saturates rather
    /// than wraps (a charge that large is not a real one).
    fn scale(&self, cost: u64, units: u64, per: u64) -> u64 {
        let exact = (u128::from(cost) * u128::from(self.multiplier.millionths()))
            .saturating_mul(u128::from(units));
        let charged = exact.div_ceil(u128::from(per) * MICROS_PER_UNIT);
        u64::try_from(charged).unwrap_or(u64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const CENT: u64 = 10_000;

    fn two_one_five_times_two() -> Pricing {
        Pricing {
            telephony_per_minute: 2 * CENT,
            stt_per_minute: CENT,
            tts_per_minute: 5 * CENT,
            llm_per_million_tokens: 0,
            multiplier: Multiplier::from_decimal(2.0).unwrap(),
        }
    }

    fn call(seconds: u64) -> Metered {
        Metered {
            duration_ms: seconds * 1_000,
            carried: true,
            llm_tokens: 0,
        }
    }

    #[test]
    fn two_plus_one_plus_five_cents_doubled_is_sixteen_cents_a_minute() {
        let pricing = two_one_five_times_two();
        assert_eq!(pricing.price_per_minute(true), 16 * CENT);
        assert_eq!(pricing.price_per_minute(false), 12 * CENT, "no telephony");
    }

    #[test]
    fn a_two_minute_call_is_charged_thirty_two_cents() {
        let charge = two_one_five_times_two().charge(&call(120));
        assert_eq!(charge.billed_seconds, 120);
        assert_eq!(
            (charge.telephony, charge.stt, charge.tts),
            (8 * CENT, 4 * CENT, 20 * CENT)
        );
        assert_eq!(charge.total(), 32 * CENT);
    }

    #[test]
    fn a_started_second_is_billed_in_full_and_components_round_up() {
        let pricing = two_one_five_times_two();
        let charge = pricing.charge(&Metered {
            duration_ms: 1,
            carried: true,
            llm_tokens: 0,
        });
        assert_eq!(charge.billed_seconds, 1);
        // 40 000 / 60 = 666.67 -> 667; 20 000 / 60 = 333.3 -> 334; 100 000 / 60 = 1666.7 -> 1667.
        assert_eq!((charge.telephony, charge.stt, charge.tts), (667, 334, 1667));
        assert_eq!(charge.total(), 2_668);
        assert_eq!(pricing.charge(&call(0)).total(), 0, "never connected");
        assert_eq!(billed_seconds(1_000), 1);
        assert_eq!(billed_seconds(1_001), 2);
    }

    #[test]
    fn llm_tokens_are_priced_per_million_with_the_multiplier() {
        let pricing = Pricing {
            llm_per_million_tokens: 600_000, // 60 cents a million
            multiplier: Multiplier::from_decimal(1.5).unwrap(),
            ..Pricing::default()
        };
        let charge = pricing.charge(&Metered {
            duration_ms: 0,
            carried: false,
            llm_tokens: 1_234,
        });
        // 1234 x 0.6 x 1.5 = 1110.6 -> 1111.
        assert_eq!(charge.llm, 1_111);
        assert_eq!(pricing.price_per_million_tokens(), 900_000);
    }

    #[test]
    fn multipliers_are_read_to_six_places_and_checked() {
        assert_eq!(
            Multiplier::from_decimal(1.35).unwrap().millionths(),
            1_350_000
        );
        assert_eq!(Multiplier::from_decimal(0.0).unwrap().millionths(), 0);
        assert!(Multiplier::from_decimal(-1.0).is_err());
        assert!(Multiplier::from_decimal(f64::NAN).is_err());
        assert!(Multiplier::from_decimal(1e9).is_err());
    }

    #[test]
    fn huge_inputs_saturate() {
        let pricing = Pricing {
            telephony_per_minute: u64::MAX,
            multiplier: Multiplier::from_decimal(Multiplier::MAX).unwrap(),
            ..Pricing::default()
        };
        assert_eq!(pricing.charge(&call(u64::MAX / 1_000)).telephony, u64::MAX);
    }

    proptest! {
        #[test]
        fn whole_minutes_cost_at_most_their_minute_prices(minutes in 0u64..10_000,
                t in 0u64..1 << 24, s in 0u64..1 << 24, v in 0u64..1 << 24,
                m in 0u64..10_000_000, whole in 0u64..10) {
            let pricing = |multiplier| Pricing {
                telephony_per_minute: t, stt_per_minute: s, tts_per_minute: v,
                llm_per_million_tokens: 0, multiplier,
            };
            let any = pricing(Multiplier(m));
            prop_assert!(any.charge(&call(minutes * 60)).total()
                <= minutes * any.price_per_minute(true));
            // With a whole multiplier nothing rounds, so it is exact.
            let exact = pricing(Multiplier(whole * 1_000_000));
            prop_assert_eq!(exact.charge(&call(minutes * 60)).total(),
                minutes * exact.price_per_minute(true));
        }

        #[test]
        fn a_longer_call_never_costs_less(a in 0u64..1 << 30, b in 0u64..1 << 30) {
            let pricing = two_one_five_times_two();
            let (short, long) = (a.min(b), a.max(b));
            let at = |ms| pricing.charge(&Metered { duration_ms: ms, carried: true, llm_tokens: 0 });
            prop_assert!(at(short).total() <= at(long).total());
        }
    }
}
