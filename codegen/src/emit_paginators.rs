//! Emission of `paginators.rs`: one `static` [`rboto::paginator::PaginatorSpec`] per paginator
//! of `paginators-1.json`, and an `into_paginator()` on the bound input of each paginated
//! operation. The paging loop itself lives once in the runtime.
//!
//! Which paginators exist and what they say comes from `rboto_model::specs::paginators`, the
//! reader the runtime's dynamic client uses too; this module only writes its result as Rust.

use crate::ir::Ir;
use crate::rust_types::ident;
use proc_macro2::TokenStream;
use quote::quote;
use rboto_model::specs;

/// `&["a", "b"]`.
fn str_list(items: &[&str]) -> TokenStream {
    quote!(&[#(#items),*])
}

/// `paginators.rs`, or `None` when the model has no paginators.
pub fn paginators_file(ir: &Ir<'_>) -> Option<TokenStream> {
    let doc = ir.model.paginators.as_ref()?;
    let read = specs::paginators(ir, doc);
    if read.is_empty() {
        return None;
    }
    let items = read.iter().filter_map(|p| {
        let op = ir.op(p.operation)?;
        let spec = &p.spec;
        let (input, output, result) = (
            str_list(spec.input_token),
            str_list(spec.output_token),
            str_list(spec.result_key),
        );
        let mut tokens = quote!(PaginatorSpec::new(#input, #output, #result));
        if let Some(l) = spec.limit_key {
            tokens = quote!(#tokens.limit(#l));
        }
        if let Some(m) = spec.more_results {
            tokens = quote!(#tokens.more_results(#m));
        }
        if !spec.non_aggregate_keys.is_empty() {
            let keys = str_list(spec.non_aggregate_keys);
            tokens = quote!(#tokens.non_aggregate(#keys));
        }
        let stat = ident(&op.static_name);
        let ty = ident(&op.input_type);
        let doc = format!(
            " Pages through `{}` (botocore's `get_paginator(\"{}\")`).",
            op.name, op.fn_name
        );
        Some(quote! {
            pub static #stat: PaginatorSpec = #tokens;
            impl super::input::#ty {
                #[doc = #doc]
                pub fn into_paginator(self) -> Paginator<Self> {
                    Paginator::of_input(self, &#stat)
                }
            }
        })
    });
    Some(quote! {
        //! Paginators: `client.op().into_paginator()`, then `next_page().await` until `None`.
        use rboto::paginator::{Paginator, PaginatorSpec};
        #(#items)*
    })
}
