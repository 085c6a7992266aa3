//! Emission of `waiters.rs`: one `static` [`rboto::waiter::WaiterSpec`] per waiter of
//! `waiters-2.json`, and a `wait_until_<waiter>()` on the bound input of its operation. The
//! polling loop and the acceptor matching live once in the runtime.

use crate::ir::{Ir, OpInfo};
use crate::model::Json;
use crate::naming;
use crate::rust_types::ident;
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

/// One acceptor as tokens, or `None` when the model uses something the runtime lacks.
fn acceptor(json: &Value) -> Option<TokenStream> {
    let state = match json.str_at("state")? {
        "success" => quote!(Success),
        "failure" => quote!(Failure),
        "retry" => quote!(Retry),
        _ => return None,
    };
    let matcher = match json.str_at("matcher")? {
        "path" => quote!(Path),
        "pathAll" => quote!(PathAll),
        "pathAny" => quote!(PathAny),
        "status" => quote!(Status),
        "error" => quote!(Error),
        _ => return None,
    };
    let argument = json.str_at("argument").unwrap_or_default();
    let expected = match json.get("expected")? {
        Value::String(s) => quote!(Str(#s)),
        Value::Bool(b) => quote!(Bool(#b)),
        Value::Number(n) => {
            let i = proc_macro2::Literal::i64_unsuffixed(n.as_i64()?);
            quote!(Int(#i))
        }
        _ => return None,
    };
    Some(quote!(Acceptor::new(#state, #matcher, #argument, #expected)))
}

struct Resolved<'a> {
    op: &'a OpInfo,
    static_name: String,
    fn_name: String,
    spec: TokenStream,
    doc: String,
}

fn resolve<'a>(ir: &'a Ir<'_>) -> Vec<Resolved<'a>> {
    let Some(waiters) = ir.model.waiters.as_ref().and_then(|w| w.obj_at("waiters")) else {
        return Vec::new();
    };
    let mut out: Vec<Resolved<'a>> = waiters
        .iter()
        .filter_map(|(name, json)| {
            let op_name = json.str_at("operation")?;
            let op = ir.ops.iter().find(|o| o.name == op_name)?;
            if op
                .input_shape
                .as_deref()
                .is_some_and(|s| ir.info(s).has_stream)
            {
                return None;
            }
            let delay = u32::try_from(json.get("delay")?.as_u64()?).ok()?;
            let attempts = u32::try_from(json.get("maxAttempts")?.as_u64()?).ok()?;
            let acceptors = json
                .get("acceptors")?
                .as_array()?
                .iter()
                .map(acceptor)
                .collect::<Option<Vec<_>>>()?;
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
            if let Some(d) = json.str_at("description") {
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
