//! [`PaginatorSpec`]: one paginator of `paginators-1.json` as data. The paging loop that uses it
//! is `rboto::paginator::Paginator`.

/// One paginator of `paginators-1.json`. `output_token`, `more_results`, `result_key` and
/// `non_aggregate_keys` are JMESPath expressions over the output; `input_token` and
/// `limit_key` are input member names.
#[derive(Debug)]
pub struct PaginatorSpec {
    pub input_token: &'static [&'static str],
    pub output_token: &'static [&'static str],
    pub limit_key: Option<&'static str>,
    pub more_results: Option<&'static str>,
    pub result_key: &'static [&'static str],
    pub non_aggregate_keys: &'static [&'static str],
}

impl PaginatorSpec {
    /// A spec with the required keys; see the builder methods for the optional ones.
    pub const fn new(
        input_token: &'static [&'static str],
        output_token: &'static [&'static str],
        result_key: &'static [&'static str],
    ) -> PaginatorSpec {
        PaginatorSpec {
            input_token,
            output_token,
            limit_key: None,
            more_results: None,
            result_key,
            non_aggregate_keys: &[],
        }
    }
    /// The input member that sets the page size.
    pub const fn limit(mut self, key: &'static str) -> PaginatorSpec {
        self.limit_key = Some(key);
        self
    }
    /// The expression that says whether there are more pages.
    pub const fn more_results(mut self, expression: &'static str) -> PaginatorSpec {
        self.more_results = Some(expression);
        self
    }
    /// Output members taken from the first page only when results are aggregated
    /// (`rboto::paginator::Paginator::collect_results`).
    pub const fn non_aggregate(mut self, keys: &'static [&'static str]) -> PaginatorSpec {
        self.non_aggregate_keys = keys;
        self
    }
}
