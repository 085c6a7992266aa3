//! `ProjectionExpression`: the attributes (document paths) to return.

use super::Expressions;

/// The attributes a read returns: `Projection::new(["id", "address.city"])` renders as
/// `#n0, #n1.#n2`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Projection(Vec<String>);

impl Projection {
    pub fn new<I>(paths: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        Projection(paths.into_iter().map(Into::into).collect())
    }

    /// Adds one more path.
    pub fn and(mut self, path: impl Into<String>) -> Self {
        self.0.push(path.into());
        self
    }

    pub(crate) fn render(&self, e: &mut Expressions) -> String {
        self.0
            .iter()
            .map(|p| e.path(p))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_a_placeholder() {
        let mut e = Expressions::new();
        let p = Projection::new(["id", "address.city"]).and("orders[0]");
        assert_eq!(e.projection(&p), "#n0, #n1.#n2, #n3[0]");
        assert_eq!(e.names()["#n3"], "orders");
        assert!(e.values().is_empty());
    }
}
