use proptest::prelude::*;

use super::*;

fn chunk_with(config: ChunkerConfig, deltas: &[&str]) -> Vec<String> {
    let mut chunker = ClauseChunker::new(config);
    let mut chunks: Vec<String> = Vec::new();
    for delta in deltas {
        chunks.extend(chunker.push(delta));
    }
    chunks.extend(chunker.finish());
    chunks
}

fn chunk(text: &str) -> Vec<String> {
    chunk_with(ChunkerConfig::default(), &[text])
}

/// Feeds `text` one character at a time, the worst split there is.
fn chunk_by_char(text: &str) -> Vec<String> {
    let chars: Vec<String> = text.chars().map(String::from).collect();
    let deltas: Vec<&str> = chars.iter().map(String::as_str).collect();
    chunk_with(ChunkerConfig::default(), &deltas)
}

#[test]
fn a_typical_reply_splits_at_the_first_clause_then_at_sentences() {
    let reply = "Sure thing, I can help you with that. Our opening hours are 9 a.m. to 5 p.m., \
                 Monday to Friday. Would you like me to book a slot for you?";
    assert_eq!(
        chunk(reply),
        [
            "Sure thing, I can help you with that.",
            "Our opening hours are 9 a.m. to 5 p.m., Monday to Friday.",
            "Would you like me to book a slot for you?",
        ]
    );
    let reply = "Absolutely, let me check the calendar for you, it should only take a moment.";
    assert_eq!(
        chunk(reply),
        [
            "Absolutely, let me check the calendar for you,",
            "it should only take a moment."
        ]
    );
}

#[test]
fn a_short_first_sentence_goes_out_at_once() {
    let mut chunker = ClauseChunker::default();
    assert_eq!(chunker.push("Hi!").count(), 0, "waits to see what follows");
    let first: Vec<String> = chunker.push(" How can I").collect();
    assert_eq!(first, ["Hi!"]);
    assert_eq!(chunker.finish().collect::<Vec<_>>(), ["How can I"]);
}

#[test]
fn the_first_clause_must_be_long_enough() {
    assert_eq!(
        chunk("Yes, of course, I remember your booking well."),
        ["Yes, of course, I remember your booking well."]
    );
}

#[test]
fn abbreviations_initials_and_numbers_do_not_end_sentences() {
    let reply = "Mr. and Mrs. Jones saw Dr. Who at 10:30 on St. Mark's Rd. near J. R. Smith's \
                 place, e.g. the one for $2.50, i.e. 1,000 times cheaper vs. the U.S. average. \
                 That is all.";
    assert_eq!(
        chunk(reply),
        [
            "Mr. and Mrs. Jones saw Dr. Who at 10:30 on St. Mark's Rd. near J. R. Smith's place,",
            "e.g. the one for $2.50, i.e. 1,000 times cheaper vs. the U.S. average.",
            "That is all.",
        ]
    );
    // "Rd." is no known abbreviation but the lower-case word after it keeps the sentence.
    assert_eq!(
        chunk("It is 3.14 on Elm Rd. near the park. Pi is 3.14159."),
        ["It is 3.14 on Elm Rd. near the park.", "Pi is 3.14159."]
    );
}

#[test]
fn urls_emails_and_ellipses_mid_sentence_stay_whole() {
    assert_eq!(
        chunk("Go to https://example.com/a.b?c=d, or mail help@example.co.uk. Thanks!"),
        [
            "Go to https://example.com/a.b?c=d,",
            "or mail help@example.co.uk.",
            "Thanks!"
        ]
    );
    assert_eq!(
        chunk("Well… let me see... maybe Tuesday. Or… Wednesday? Or… maybe not."),
        [
            "Well… let me see... maybe Tuesday.",
            "Or…",
            "Wednesday?",
            "Or… maybe not."
        ]
    );
}

#[test]
fn quotes_and_parentheses_end_with_their_sentence() {
    assert_eq!(
        chunk("He said \"call me.\" Then he left (quickly. Very quickly!) and I stayed. Done?!"),
        [
            "He said \"call me.\"",
            "Then he left (quickly. Very quickly!) and I stayed.",
            "Done?!"
        ]
    );
}

#[test]
fn markdown_is_stripped_and_lines_end_chunks() {
    let reply = "## Your options\n\nHere is what I found:\n\n1. **Monday** at 9\n2. *Tuesday* \
                 at `10`\n- Wednesday_morning\n\nWhich one suits you?";
    assert_eq!(
        chunk(reply),
        [
            "Your options",
            "Here is what I found:",
            "1. Monday at 9",
            "2. Tuesday at 10",
            "Wednesday_morning",
            "Which one suits you?",
        ]
    );
}

#[test]
fn spaced_dashes_are_clause_boundaries() {
    assert_eq!(
        chunk("That slot is already taken — but Thursday is free. A well-known - fix."),
        [
            "That slot is already taken",
            "but Thursday is free.",
            "A well-known - fix."
        ]
    );
}

#[test]
fn long_chunks_split_at_clauses_then_at_spaces() {
    let config = ChunkerConfig {
        min_first_chars: 20,
        max_chars: 40,
        hard_max_chars: 60,
    };
    let reply = "This is a first sentence that is quite long, and it keeps going, and going \
                 without any end at all in sight whatsoever. Then";
    let chunks = chunk_with(config, &[reply]);
    assert_eq!(
        chunks,
        [
            "This is a first sentence that is quite long,",
            "and it keeps going, and going without any end at all in",
            "sight whatsoever.",
            "Then"
        ]
    );
    let word = "x".repeat(130);
    let chunks = chunk_with(config, &[&word]);
    assert_eq!(
        chunks.iter().map(String::len).collect::<Vec<_>>(),
        [60, 60, 10]
    );
}

#[test]
fn empty_and_punctuation_only_replies_give_no_chunks() {
    assert!(chunk("").is_empty());
    assert!(chunk("   \n\n  ").is_empty());
    assert!(chunk("**\n---\n...").is_empty());
    assert_eq!(chunk("\n\nOkay.\n\n"), ["Okay."]);
}

#[test]
fn token_boundaries_anywhere_give_the_same_chunks() {
    let reply = "Dr. Smith's office, at 10:30 a.m., costs $2.50. Mr";
    assert_eq!(chunk_by_char(reply), chunk(reply));
    assert_eq!(
        chunk_with(
            ChunkerConfig::default(),
            &["Hello Mr", ". Smith", ". How are", " you?"]
        ),
        ["Hello Mr. Smith.", "How are you?"]
    );
}

const FRAGMENTS: &[&str] = &[
    "Sure",
    ", ",
    ". ",
    "! ",
    "? ",
    "... ",
    "… ",
    " — ",
    " - ",
    "; ",
    ": ",
    "\n",
    "\n\n",
    "- ",
    "## ",
    "```py",
    "**bold**",
    "_it_",
    "`code`",
    "snake_case",
    "Mr. ",
    "Dr. ",
    "e.g. ",
    "U.S. ",
    "J. ",
    "I. ",
    "1. ",
    "3.14",
    "1,000",
    "$2.50",
    "10:30",
    "https://x.io/a.b",
    "bob@x.co.uk",
    "(",
    ")",
    "\"",
    "“quoted.”",
    "café",
    "naïve",
    "🙂",
    "the appointment is booked",
    "Thursday works",
    "and",
    "lowercase",
    " ",
    "  \t",
];

fn reply() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(FRAGMENTS), 0..40)
        .prop_map(|parts| parts.concat())
}

/// Splits `text` at the given fractions of its length (rounded to char boundaries).
fn split_at(text: &str, cuts: &[usize]) -> Vec<String> {
    let bounds: Vec<usize> = text.char_indices().map(|(at, _)| at).collect();
    let mut points: Vec<usize> = cuts
        .iter()
        .filter_map(|&cut| bounds.get(cut % bounds.len().max(1)).copied())
        .collect();
    points.sort_unstable();
    points.dedup();
    let mut deltas = Vec::new();
    let mut from = 0;
    for point in points.into_iter().chain([text.len()]) {
        deltas.push(text[from..point].to_owned());
        from = point;
    }
    deltas
}

fn check_invariant(text: &str, cuts: &[usize], config: ChunkerConfig) -> Result<(), TestCaseError> {
    let whole = chunk_with(config, &[text]);
    let deltas = split_at(text, cuts);
    let deltas: Vec<&str> = deltas.iter().map(String::as_str).collect();
    prop_assert_eq!(&chunk_with(config, &deltas), &whole);
    for chunk in &whole {
        prop_assert!(chunk.chars().any(char::is_alphanumeric), "{:?}", chunk);
        prop_assert_eq!(chunk.trim(), chunk.as_str());
        prop_assert!(
            !chunk.contains("  ") && !chunk.contains('\n'),
            "{:?}",
            chunk
        );
        prop_assert!(
            chunk.chars().count() <= config.hard_max_chars,
            "{:?}",
            chunk
        );
    }
    Ok(())
}

proptest! {
    #[test]
    fn chunks_do_not_depend_on_where_deltas_split(
        text in reply(),
        cuts in proptest::collection::vec(any::<usize>(), 0..30),
    ) {
        check_invariant(&text, &cuts, ChunkerConfig::default())?;
        let tight = ChunkerConfig { min_first_chars: 5, max_chars: 30, hard_max_chars: 45 };
        check_invariant(&text, &cuts, tight)?;
    }

    #[test]
    fn arbitrary_text_never_panics_and_splits_the_same(
        text in any::<String>(),
        cuts in proptest::collection::vec(any::<usize>(), 0..10),
    ) {
        let tight = ChunkerConfig { min_first_chars: 3, max_chars: 8, hard_max_chars: 12 };
        check_invariant(&text, &cuts, tight)?;
    }
}
