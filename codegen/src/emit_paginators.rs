//! Emission of `paginators.rs`: one `static` [`rboto::paginator::PaginatorSpec`] per paginator
//! of `paginators-1.json`, and an `into_paginator()` on the bound input of each paginated
//! operation. The paging loop itself lives once in the runtime.

use crate::ir::{Ir, OpInfo};
use crate::model::Json;
use crate::rust_types::ident;
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

/// A paginator the generator can emit: its operation exists, its input can be cloned, and
/// its input token and limit members exist.
pub struct Resolved<'a> {
    pub op: &'a OpInfo,
    pub json: &'a Value,
}

/// `input_token` and friends: a string or a list of strings.
fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// Member names of an operation's input shape (none when it has no input).
fn input_members(ir: &Ir<'_>, op: &OpInfo) -> Vec<String> {
    op.input_shape
        .as_deref()
        .and_then(|s| ir.json(s).obj_at("members"))
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// The paginators of the model that can be emitted, in model order.
pub fn resolve<'a>(ir: &'a Ir<'_>) -> Vec<Resolved<'a>> {
    let Some(pagination) = ir
        .model
        .paginators
        .as_ref()
        .and_then(|p| p.obj_at("pagination"))
    else {
        return Vec::new();
    };
    pagination
        .iter()
        .filter_map(|(name, json)| {
            let op = ir.ops.iter().find(|o| &o.name == name)?;
            let streaming = op
                .input_shape
                .as_deref()
                .is_some_and(|s| ir.info(s).has_stream);
            let members = input_members(ir, op);
            let inputs = strings(json.get("input_token"));
            let outputs = strings(json.get("output_token"));
            let usable = !streaming
                && !inputs.is_empty()
                && inputs.len() == outputs.len()
                && inputs.iter().all(|t| members.contains(t))
                && json
                    .str_at("limit_key")
                    .is_none_or(|l| members.contains(&l.to_string()));
            usable.then_some(Resolved { op, json })
        })
        .collect()
}

/// `paginators.rs`, or `None` when the model has no paginators.
pub fn paginators_file(ir: &Ir<'_>) -> Option<TokenStream> {
    let resolved = resolve(ir);
    if resolved.is_empty() {
        return None;
    }
    let items = resolved.iter().map(|r| {
        let strs = |key: &str| {
            let v = strings(r.json.get(key));
            quote!(&[#(#v),*])
        };
        let (input, output, result) = (
            strs("input_token"),
            strs("output_token"),
            strs("result_key"),
        );
        let mut spec = quote!(PaginatorSpec::new(#input, #output, #result));
        if let Some(l) = r.json.str_at("limit_key") {
            spec = quote!(#spec.limit(#l));
        }
        if let Some(m) = r.json.str_at("more_results") {
            spec = quote!(#spec.more_results(#m));
        }
        if r.json.get("non_aggregate_keys").is_some() {
            let keys = strs("non_aggregate_keys");
            spec = quote!(#spec.non_aggregate(#keys));
        }
        let stat = ident(&r.op.static_name);
        let ty = ident(&r.op.input_type);
        let doc = format!(
            " Pages through `{}` (botocore's `get_paginator(\"{}\")`).",
            r.op.name, r.op.fn_name
        );
        quote! {
            pub static #stat: PaginatorSpec = #spec;
            impl super::input::#ty {
                #[doc = #doc]
                pub fn into_paginator(self) -> Paginator<Self> {
                    Paginator::of_input(self, &#stat)
                }
            }
        }
    });
    Some(quote! {
        //! Paginators: `client.op().into_paginator()`, then `next_page().await` until `None`.
        use rboto::paginator::{Paginator, PaginatorSpec};
        #(#items)*
    })
}
