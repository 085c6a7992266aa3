//! The dynamic client's paginators and waiters: `rboto_model::specs`, the reader the generator
//! writes its `static` specs from, run against a schema built at run time.

use crate::model::json::Json;
use crate::paginator::PaginatorSpec;
use crate::schema::{Operation, Service, EVENT_STREAM};
use crate::waiter::WaiterSpec;
use rboto_model::specs::{self, Input, Operations};

fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

/// The schema as the spec reader sees it.
struct Schema(&'static Service);

impl Operations for Schema {
    fn input(&self, operation: &str) -> Option<Input<'_>> {
        let op = self.0.operation(operation)?;
        let members = op.input.members();
        Some(Input {
            members: members.iter().map(|m| m.name).collect(),
            streams: members
                .iter()
                .any(|m| m.is_streaming() || m.target().has(EVENT_STREAM)),
        })
    }
}

/// The operation the reader found by `name` (it checked that the schema has it).
fn operation(service: &'static Service, name: &str) -> Option<&'static Operation> {
    service.operation(name)
}

/// The paginators of `doc` that can be driven, sorted by operation name.
pub(super) fn paginators(
    service: &'static Service,
    doc: &Json,
) -> Vec<(&'static str, &'static PaginatorSpec)> {
    let mut out: Vec<(&'static str, &'static PaginatorSpec)> =
        specs::paginators(&Schema(service), doc)
            .into_iter()
            .filter_map(|p| Some((operation(service, p.operation)?.name, leak(p.spec))))
            .collect();
    out.sort_by(|a, b| a.0.cmp(b.0));
    out
}

/// The waiters of `doc` that can be driven, in model order, with the operation each polls.
pub(super) fn waiters(
    service: &'static Service,
    doc: &Json,
) -> Vec<(&'static WaiterSpec, &'static Operation)> {
    specs::waiters(&Schema(service), doc)
        .into_iter()
        .filter_map(|w| Some((leak(w.spec), operation(service, w.operation)?)))
        .collect()
}
