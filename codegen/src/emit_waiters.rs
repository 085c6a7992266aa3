//! Emission of `waiters.rs`: one `static` [`rboto::waiter::WaiterSpec`] per waiter of
//! `waiters-2.json`, and a `wait_until_<waiter>()` on the bound input of its operation. The
//! polling loop and the acceptor matching live once in the runtime.
//!
//! Which waiters exist and what they say comes from `rboto_model::specs::waiters`, the reader
//! the runtime's dynamic client uses too; this module only writes its result as Rust.

use crate::ir::{Ir, OpInfo};
use crate::naming;
use crate::rust_types::ident;
use proc_macro2::TokenStream;
use quote::quote;
use rboto_model::specs;
use rboto_model::waiter::{Acceptor, Expected, Matcher, State};

/// One acceptor as the Rust expression that rebuilds it.
fn acceptor(a: &Acceptor) -> TokenStream {
    let state = match a.state {
        State::Success => quote!(Success),
        State::Failure => quote!(Failure),
        State::Retry => quote!(Retry),
    };
    let matcher = match a.matcher {
        Matcher::Path => quote!(Path),
        Matcher::PathAll => quote!(PathAll),
        Matcher::PathAny => quote!(PathAny),
        Matcher::Status => quote!(Status),
        Matcher::Error => quote!(Error),
    };
    let argument = a.argument;
    let expected = match a.expected {
        Expected::Str(s) => quote!(Str(#s)),
        Expected::Bool(b) => quote!(Bool(#b)),
        Expected::Int(i) => {
            let i = proc_macro2::Literal::i64_unsuffixed(i);
            quote!(Int(#i))
        }
    };
    quote!(Acceptor::new(#state, #matcher, #argument, #expected))
}

struct Resolved<'a> {
    op: &'a OpInfo,
    static_name: String,
    fn_name: String,
    spec: TokenStream,
    doc: String,
}

fn resolve<'a>(ir: &'a Ir<'_>) -> Vec<Resolved<'a>> {
    let Some(doc) = ir.model.waiters.as_ref() else {
        return Vec::new();
    };
    let mut out: Vec<Resolved<'a>> = specs::waiters(ir, doc)
        .into_iter()
        .filter_map(|w| {
            let op = ir.op(w.operation)?;
            let (name, op_name) = (w.spec.name, w.operation);
            let (delay, attempts) = (w.spec.delay, w.spec.max_attempts);
            let acceptors = w.spec.acceptors.iter().map(acceptor);
            let (d, a) = (
                proc_macro2::Literal::u32_unsuffixed(delay),
                proc_macro2::Literal::u32_unsuffixed(attempts),
            );
            let spec = quote!(WaiterSpec::new(#name, #d, #a, &[#(#acceptors),*]));
            let fn_name = format!("wait_until_{}", naming::operation_fn_name(name));
            let mut doc = format!(
                " Waits for `{name}`: polls `{op_name}` every {delay} s, at most {attempts} times \
                 (botocore's `get_waiter(\"{}\")`).",
                naming::operation_fn_name(name)
            );
            if let Some(d) = w.description {
                doc = format!(" {}\n\n{doc}", d.trim());
            }
            Some(Resolved {
                op,
                static_name: naming::static_name(name),
                fn_name,
                spec,
                doc,
            })
        })
        .collect();
    let mut statics: Vec<String> = out.iter().map(|r| r.static_name.clone()).collect();
    naming::dedupe(&mut statics);
    let mut fns: Vec<String> = out.iter().map(|r| r.fn_name.clone()).collect();
    naming::dedupe(&mut fns);
    for ((r, s), f) in out.iter_mut().zip(statics).zip(fns) {
        r.static_name = s;
        r.fn_name = f;
    }
    out
}

/// `waiters.rs`, or `None` when the model has no waiters.
pub fn waiters_file(ir: &Ir<'_>) -> Option<TokenStream> {
    let resolved = resolve(ir);
    if resolved.is_empty() {
        return None;
    }
    let statics = resolved.iter().map(|r| {
        let stat = ident(&r.static_name);
        let spec = &r.spec;
        quote!(pub static #stat: WaiterSpec = #spec;)
    });
    // One impl block per input type, in order of first use.
    let mut ops: Vec<&OpInfo> = Vec::new();
    for r in &resolved {
        if !ops.iter().any(|o| o.name == r.op.name) {
            ops.push(r.op);
        }
    }
    let impls = ops.iter().map(|op| {
        let ty = ident(&op.input_type);
        let methods = resolved.iter().filter(|r| r.op.name == op.name).map(|r| {
            let f = ident(&r.fn_name);
            let stat = ident(&r.static_name);
            let docs = r.doc.split('\n').map(|l| quote!(#[doc = #l]));
            quote! {
                #(#docs)*
                pub fn #f(self) -> Waiter<Self> {
                    Waiter::of_input(self, &#stat)
                }
            }
        });
        quote! {
            impl super::input::#ty {
                #(#methods)*
            }
        }
    });
    Some(quote! {
        //! Waiters: `client.op().member(..).wait_until_x().await` polls until the resource is ready.
        use rboto::waiter::{Acceptor, Expected::*, Matcher::*, State::*, Waiter, WaiterSpec};
        #(#statics)*
        #(#impls)*
    })
}
