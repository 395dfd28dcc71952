//! Mark names: `t{turn}s{segment}` after a segment, `t{turn}end` after a turn's last audio.
//!
//! The name carries the identity, so an echo maps back to its turn with no table of strings
//! and nothing allocated per mark on the way in.

use std::fmt::Write as _;

use crate::brain::TurnId;

/// Which point of which turn a mark stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MarkId {
    /// After segment `segment` of `turn`.
    Segment { turn: TurnId, segment: u32 },
    /// After the last audio of `turn`.
    End { turn: TurnId },
}

impl MarkId {
    pub(crate) fn turn(self) -> TurnId {
        match self {
            MarkId::Segment { turn, .. } | MarkId::End { turn } => turn,
        }
    }

    /// Replaces `out` with the mark's name.
    pub(crate) fn write_name(self, out: &mut String) {
        out.clear();
        // Writing to a String cannot fail.
        let _ = match self {
            MarkId::Segment { turn, segment } => write!(out, "t{}s{segment}", turn.0),
            MarkId::End { turn } => write!(out, "t{}end", turn.0),
        };
    }

    /// The mark a name stands for, if it is one of ours.
    pub(crate) fn parse(name: &str) -> Option<MarkId> {
        let rest = name.strip_prefix('t')?;
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (turn, tail) = rest.split_at(digits);
        let turn = TurnId(parse_decimal(turn)?);
        if tail == "end" {
            return Some(MarkId::End { turn });
        }
        let segment = parse_decimal(tail.strip_prefix('s')?)?;
        Some(MarkId::Segment { turn, segment })
    }
}

/// Plain digits only: no sign, no leading `+`, no empty string.
fn parse_decimal(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        let mut name = String::new();
        for mark in [
            MarkId::Segment {
                turn: TurnId(1),
                segment: 0,
            },
            MarkId::Segment {
                turn: TurnId(42),
                segment: 17,
            },
            MarkId::End { turn: TurnId(7) },
        ] {
            mark.write_name(&mut name);
            assert_eq!(MarkId::parse(&name), Some(mark), "{name}");
        }
        MarkId::End { turn: TurnId(3) }.write_name(&mut name);
        assert_eq!(name, "t3end");
    }

    #[test]
    fn foreign_names_are_not_ours() {
        for name in [
            "",
            "t",
            "t1",
            "t1s",
            "ts1",
            "t+1s2",
            "t1s+2",
            "t1end2",
            "x1s2",
            "utt-17",
            "t1s2x",
            "t99999999999s1",
        ] {
            assert_eq!(MarkId::parse(name), None, "{name}");
        }
    }
}
