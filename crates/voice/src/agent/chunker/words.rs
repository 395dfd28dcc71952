//! Words after which a period does not end a sentence.

/// Abbreviations that are followed by more of the same sentence, compared without case.
/// Dotted ones (`e.g.`, `U.S.`, `a.m.`) are recognised by their shape instead.
const ABBREVIATIONS: [&str; 10] = [
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "vs", "etc",
];

/// `word` (the text between the previous space or opening bracket/quote and a period, without
/// the period) is an abbreviation or an initial: `Dr`, `etc`, `e.g`, `U.S`, `J`.
pub(super) fn is_abbreviation(word: &str) -> bool {
    if ABBREVIATIONS.iter().any(|a| word.eq_ignore_ascii_case(a)) {
        return true;
    }
    let mut chars = word.chars();
    if let (Some(only), None) = (chars.next(), chars.next()) {
        // "J. Smith"; but "so did I. Then" ends a sentence.
        return only.is_uppercase() && only != 'I';
    }
    word.contains('.') && word.split('.').all(is_single_letter)
}

/// `word` is a list item's number (`1` of `1. Open the app`) when it starts a chunk, which a
/// line break always does.
pub(super) fn is_list_number(word: &str) -> bool {
    !word.is_empty() && word.len() <= 3 && word.bytes().all(|b| b.is_ascii_digit())
}

fn is_single_letter(part: &str) -> bool {
    let mut chars = part.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_latin_and_dotted_abbreviations_and_initials() {
        for word in [
            "Mr", "MRS", "dr", "St", "etc", "vs", "e.g", "i.e", "U.S", "p.m", "J",
        ] {
            assert!(is_abbreviation(word), "{word}");
        }
        for word in ["I", "dog", "3", "2.0", "example.com", "", "US"] {
            assert!(!is_abbreviation(word), "{word}");
        }
    }

    #[test]
    fn list_numbers_are_short_digit_runs() {
        assert!(is_list_number("1"));
        assert!(is_list_number("12"));
        assert!(!is_list_number("2024"));
        assert!(!is_list_number("1a"));
        assert!(!is_list_number(""));
    }
}
