//! Safety limits for untrusted input.
//!
//! The parser refuses inputs beyond these limits with a [`Code::LimitExceeded`] error located at
//! the offending element, so that a hostile document cannot make the library use unbounded time,
//! memory or stack. The defaults are far above anything AWS accepts (the largest AWS-managed
//! policy is about 190 KB with 162 statements; customer policies are capped at a few KB) and can
//! be changed with the builder methods.
//!
//! [`Code::LimitExceeded`]: crate::Code::LimitExceeded

/// Limits applied while parsing a document. See the [module documentation](self).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    pub(crate) max_bytes: usize,
    pub(crate) max_depth: u32,
    pub(crate) max_statements: usize,
    pub(crate) max_array_items: usize,
    pub(crate) max_object_keys: usize,
    pub(crate) max_string_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: Self::DEFAULT_MAX_BYTES,
            max_depth: Self::DEFAULT_MAX_DEPTH,
            max_statements: Self::DEFAULT_MAX_STATEMENTS,
            max_array_items: Self::DEFAULT_MAX_ARRAY_ITEMS,
            max_object_keys: Self::DEFAULT_MAX_OBJECT_KEYS,
            max_string_bytes: Self::DEFAULT_MAX_STRING_BYTES,
        }
    }
}

impl Limits {
    /// Default maximum input size: 1 MiB.
    pub const DEFAULT_MAX_BYTES: usize = 1 << 20;
    /// Default maximum JSON nesting depth: 32 (a valid policy needs at most 6).
    pub const DEFAULT_MAX_DEPTH: u32 = 32;
    /// Default maximum number of statements: 1,000.
    pub const DEFAULT_MAX_STATEMENTS: usize = 1_000;
    /// Default maximum items in one JSON array (actions, resources, condition values): 10,000.
    pub const DEFAULT_MAX_ARRAY_ITEMS: usize = 10_000;
    /// Default maximum keys in one JSON object: 1,000.
    pub const DEFAULT_MAX_OBJECT_KEYS: usize = 1_000;
    /// Default maximum length of one string (an action, ARN, condition value): 16 KiB.
    pub const DEFAULT_MAX_STRING_BYTES: usize = 16 << 10;

    /// Sets the maximum input size in bytes.
    pub fn max_bytes(mut self, n: usize) -> Self {
        self.max_bytes = n;
        self
    }

    /// Sets the maximum nesting depth of JSON arrays and objects.
    pub fn max_depth(mut self, n: u32) -> Self {
        self.max_depth = n;
        self
    }

    /// Sets the maximum number of statements in one policy.
    pub fn max_statements(mut self, n: usize) -> Self {
        self.max_statements = n;
        self
    }

    /// Sets the maximum number of items in one JSON array.
    pub fn max_array_items(mut self, n: usize) -> Self {
        self.max_array_items = n;
        self
    }

    /// Sets the maximum number of keys in one JSON object.
    pub fn max_object_keys(mut self, n: usize) -> Self {
        self.max_object_keys = n;
        self
    }

    /// Sets the maximum length in bytes of one JSON string.
    pub fn max_string_bytes(mut self, n: usize) -> Self {
        self.max_string_bytes = n;
        self
    }
}
