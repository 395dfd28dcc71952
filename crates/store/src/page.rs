use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The largest page a client may ask for.
pub const MAX_PAGE: u32 = 100;
pub const DEFAULT_PAGE: u32 = 50;

/// Which slice of a list to read: up to `limit` rows whose id sorts after `after`.
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    pub limit: u32,
    pub after: Option<String>,
}

impl PageRequest {
    pub fn first(limit: u32) -> Self {
        Self { limit, after: None }
    }

    pub(crate) fn after_id(&self) -> &str {
        // Ids are non-empty, so "" sorts before all of them.
        self.after.as_deref().unwrap_or("")
    }

    /// One more row than asked for, to learn whether there is a next page.
    pub(crate) fn fetch_limit(&self) -> i64 {
        i64::from(self.limit.clamp(1, MAX_PAGE)) + 1
    }
}

#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows sorted by id.
    pub(crate) fn from_rows(
        mut rows: Vec<T>,
        request: &PageRequest,
        id: impl Fn(&T) -> &str,
    ) -> Self {
        let limit = request.limit.clamp(1, MAX_PAGE) as usize;
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(|last| Cursor::encode(id(last)))
        } else {
            None
        };
        Page {
            items: rows,
            next_cursor,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }
}

/// An opaque cursor: the last id of the previous page, base64url-encoded so clients do not
/// build them by hand.
pub struct Cursor;

impl Cursor {
    pub fn encode(id: &str) -> String {
        URL_SAFE_NO_PAD.encode(id)
    }

    pub fn decode(cursor: &str) -> Option<String> {
        let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
        let id = String::from_utf8(bytes).ok()?;
        (!id.is_empty()
            && id.len() <= 64
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .then_some(id)
    }
}
