//! Emission of the typed shapes: structures, inputs, unions and string enums.
//!
//! Each structure is its definition (plain pub fields with the model's docs) and one
//! `rboto::__structure!` line listing its members, which the runtime expands into chainable
//! setters (inputs and nested types only), `Debug` with sensitive members redacted, and the
//! value conversions. Operation inputs hold the client they were created by in a hidden field,
//! so the same setters serve `PutObjectInput::default().bucket(..)` and
//! `client.put_object().bucket(..).send()`; outputs hold their response metadata the same way.

use crate::ir::{shape_type, Ir, Module};
use crate::model::Json;
use crate::naming;
use crate::rust_types::{ident, is_enum, short_docs};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

/// One member of a structure, resolved for emission.
struct Field<'a> {
    member: &'a str,
    target: &'a str,
    field: proc_macro2::Ident,
    json: &'a Value,
    sensitive: bool,
}

fn fields<'a>(ir: &'a Ir<'_>, shape: &'a str, json: &'a Value) -> Vec<Field<'a>> {
    let info = ir.info(shape);
    let Some(members) = json.obj_at("members") else {
        return Vec::new();
    };
    members
        .iter()
        .zip(&info.member_fields)
        .map(|((member, mj), field)| {
            let target = mj.str_at("shape").unwrap_or_default();
            let sensitive = mj.bool_at("sensitive") || ir.json(target).bool_at("sensitive");
            Field {
                member,
                target,
                field: ident(field),
                json: mj,
                sensitive,
            }
        })
        .collect()
}

/// Emits a structure shape (input, output, exception or nested type).
pub fn structure(ir: &Ir<'_>, shape: &str) -> TokenStream {
    let json = ir.json(shape);
    let info = ir.info(shape);
    structure_named(ir, shape, &info.rust_name, info.module, json)
}

/// Emits a synthesized per-operation input or output type with the members of `from` (or none).
pub fn synthesized(ir: &Ir<'_>, name: &str, from: Option<&str>, module: Module) -> TokenStream {
    let empty = serde_json::json!({"type": "structure", "members": {}});
    let json = from.map(|s| ir.json(s)).unwrap_or(&empty);
    structure_named(ir, from.unwrap_or(""), name, module, json)
}

/// A structure is its definition (fields with their docs) plus one `__structure!` line that
/// the runtime expands into setters, `Debug` and the value conversions.
fn structure_named(
    ir: &Ir<'_>,
    shape: &str,
    rust_name: &str,
    module: Module,
    json: &Value,
) -> TokenStream {
    let name = ident(rust_name);
    let fs = if shape.is_empty() {
        Vec::new()
    } else {
        fields(ir, shape, json)
    };
    let info = (!shape.is_empty()).then(|| ir.info(shape));
    let has_stream = info.is_some_and(|i| i.has_stream);
    let docs = short_docs(json);

    let field_defs = fs.iter().map(|f| {
        let fdocs = short_docs(f.json);
        let ty = ir.field_type(shape, f.member, f.target);
        let name = &f.field;
        let deprecated = f
            .json
            .bool_at("deprecated")
            .then(|| quote!(#[doc = ""] #[doc = " **Deprecated.**"]));
        quote! { #fdocs #deprecated pub #name: Option<#ty>, }
    });
    let field_list = fs.iter().map(|f| {
        let ty = ir.field_type(shape, f.member, f.target);
        let name = &f.field;
        let flag = f.sensitive.then(|| quote!([sensitive]));
        // Setters take `impl Into<T>` only where a conversion is what users write: text and enums
        // from `&str`, blobs from bytes, timestamps from `SystemTime`, maps from arrays of pairs.
        // A generic setter costs several times a plain one to compile, and a list, structure or
        // number is passed as itself anyway.
        let converts = matches!(
            shape_type(ir.json(f.target)),
            "string" | "blob" | "timestamp" | "map"
        );
        let boxed = ir
            .boxed
            .contains(&(shape.to_string(), f.member.to_string()));
        if boxed {
            quote!(#name ~ #ty #flag)
        } else if converts {
            quote!(#name: #ty #flag)
        } else {
            quote!(#name = #ty #flag)
        }
    });
    let (hidden_def, hidden) = match module {
        Module::Input => (
            quote!(pub(crate) _client: rboto::__private::Bound,),
            quote!(_client),
        ),
        Module::Output => (
            quote!(pub(crate) _meta: rboto::__private::Meta,),
            quote!(_meta),
        ),
        _ => (quote!(), quote!()),
    };
    let needs_into =
        ir.all_conversions || module == Module::Input || info.is_some_and(|i| i.needs_into);
    let needs_from =
        ir.all_conversions || module == Module::Output || info.is_some_and(|i| i.needs_from);
    let mut modes = Vec::new();
    // Setters build requests. A type only responses carry gets none (its fields are public, so
    // a test can still make one with `Default` and assignments): they were a large share of a
    // crate's compile time.
    let output_only = !ir.all_conversions && info.is_some_and(|i| i.needs_from && !i.needs_into);
    if module == Module::Input || (module == Module::Types && !output_only) {
        modes.push(quote!(set));
    }
    // derive(Debug) is the cheapest to compile; a custom one only where a sensitive member or
    // shape must be redacted.
    let any_sensitive = fs.iter().any(|f| f.sensitive);
    let derive_debug = !json.bool_at("sensitive") && !any_sensitive;
    if json.bool_at("sensitive") {
        modes.push(quote!(debug_redacted));
    } else if !derive_debug {
        modes.push(quote!(debug));
    }
    let any_boxed = fs.iter().any(|f| {
        ir.boxed
            .contains(&(shape.to_string(), f.member.to_string()))
    });
    match (needs_into, any_boxed) {
        (true, false) => modes.push(quote!(into)),
        (true, true) => modes.push(quote!(into_boxed)),
        _ => {}
    }
    match (needs_from, any_boxed) {
        (true, false) => modes.push(quote!(from)),
        (true, true) => modes.push(quote!(from_boxed)),
        _ => {}
    }
    if module == Module::Output {
        modes.push(quote!(output));
    }
    let wire = if shape.is_empty() { rust_name } else { shape };
    let debug = derive_debug.then(|| quote!(Debug,));
    // Inputs are requests being built (they hold the client that sends them): they are compared
    // by their fields, and leaving out `PartialEq` kept EC2 under its compile-memory budget.
    let derives = if has_stream {
        quote!(#[derive(#debug Default)])
    } else if module == Module::Input {
        quote!(#[derive(Clone, #debug Default)])
    } else {
        quote!(#[derive(Clone, #debug Default, PartialEq)])
    };
    quote! {
        #docs
        #derives
        #[non_exhaustive]
        pub struct #name {
            #(#field_defs)*
            #hidden_def
        }
        rboto::__structure!(#name #wire [#(#modes)*] { #(#field_list),* } { #hidden });
    }
}

/// Emits a union as an enum with one variant per member and an `Unknown` catch-all.
pub fn union(ir: &Ir<'_>, shape: &str) -> TokenStream {
    let json = ir.json(shape);
    let info = ir.info(shape);
    let name = ident(&info.rust_name);
    let fs = fields(ir, shape, json);
    let variant_names = naming::type_names(&fs.iter().map(|f| f.member).collect::<Vec<_>>());
    let variant_names: Vec<String> = variant_names
        .into_iter()
        .map(|v| {
            if v == "Unknown" {
                "UnknownMember".to_string()
            } else {
                v
            }
        })
        .collect();
    let n = proc_macro2::Literal::usize_unsuffixed(fs.len());
    let docs = short_docs(json);
    let variants = fs.iter().zip(&variant_names).map(|(f, v)| {
        let v = ident(v);
        let ty = ir.field_type(shape, f.member, f.target);
        let d = short_docs(f.json);
        quote!(#d #v(#ty),)
    });
    let is_boxed = |f: &Field<'_>| {
        ir.boxed
            .contains(&(shape.to_string(), f.member.to_string()))
    };
    let into_arms = fs
        .iter()
        .zip(&variant_names)
        .enumerate()
        .map(|(i, (f, v))| {
            let v = ident(v);
            let i = proc_macro2::Literal::usize_unsuffixed(i);
            let value = if is_boxed(f) { quote!(*v) } else { quote!(v) };
            quote!(Self::#v(v) => rv::union(#n, #i, rv::IntoValue::into_value(#value)),)
        });
    let from_arms = fs
        .iter()
        .zip(&variant_names)
        .enumerate()
        .map(|(i, (f, v))| {
            let v = ident(v);
            let i = proc_macro2::Literal::usize_unsuffixed(i);
            let value = quote!(rv::FromValue::from_value(v)?);
            let value = if is_boxed(f) {
                quote!(Box::new(#value))
            } else {
                value
            };
            quote!(Some((#i, v)) => Self::#v(#value),)
        });
    let label = shape.to_string();
    let any_sensitive = json.bool_at("sensitive") || fs.iter().any(|f| f.sensitive);
    let debug_arms = fs.iter().zip(&variant_names).map(|(f, v)| {
        let label = v.clone();
        let v = ident(v);
        if f.sensitive || json.bool_at("sensitive") {
            quote!(Self::#v(_) => f.debug_tuple(#label).field(&rboto::types::REDACTED).finish(),)
        } else {
            quote!(Self::#v(v) => f.debug_tuple(#label).field(v).finish(),)
        }
    });
    let (derive_debug, debug_impl) = if any_sensitive {
        (
            quote!(),
            quote! {
                impl ::std::fmt::Debug for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        match self {
                            #(#debug_arms)*
                            Self::Unknown => f.write_str("Unknown"),
                        }
                    }
                }
            },
        )
    } else {
        (quote!(#[derive(Debug)]), quote!())
    };
    let into_impl = info.needs_into.then(|| {
        quote! {
            impl rv::IntoValue for #name {
                fn into_value(self) -> rboto::Value {
                    match self {
                        #(#into_arms)*
                        Self::Unknown => rv::union(#n, #n, rboto::Value::Bool(false)),
                    }
                }
            }
        }
    });
    let from_impl = info.needs_from.then(|| {
        quote! {
            impl rv::FromValue for #name {
                fn from_value(v: rboto::Value) -> Result<Self, rv::ConvertError> {
                    Ok(match rv::Members::of(v, #label)?.take_union() {
                        #(#from_arms)*
                        _ => Self::Unknown,
                    })
                }
            }
        }
    });
    quote! {
        #docs
        #[derive(Clone, PartialEq)]
        #derive_debug
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A member this version of the SDK does not know.
            Unknown,
        }
        #debug_impl
        #into_impl
        #from_impl
    }
}

/// Emits a string enum: `rboto::__string_enum!` gives it an `Unknown(UnknownValue)` catch-all.
pub fn string_enum(ir: &Ir<'_>, shape: &str) -> TokenStream {
    let json = ir.json(shape);
    let info = ir.info(shape);
    let name = ident(&info.rust_name);
    let mut values: Vec<&str> = json
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    // A value listed twice would make unreachable match arms.
    let mut seen = std::collections::HashSet::new();
    values.retain(|v| seen.insert(*v));
    let variants: Vec<_> = naming::enum_variants(&values)
        .iter()
        .map(|v| ident(v))
        .collect();
    let docs = short_docs(json);
    let entries = variants.iter().zip(&values).enumerate().map(|(i, (v, s))| {
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        quote!(#i #v = #s)
    });
    quote! {
        rboto::__string_enum!(#docs #name { #(#entries),* });
    }
}

/// Emits every generated type that belongs in `module`.
pub fn module_items(ir: &Ir<'_>, module: Module) -> Vec<TokenStream> {
    let mut items = Vec::new();
    for shape in &ir.order {
        let info = ir.info(shape);
        if info.module != module {
            continue;
        }
        let json = ir.json(shape);
        let item = match shape_type(json) {
            "structure" if json.bool_at("document") => continue,
            // botocore spells an event stream as a structure, but each message is one member:
            // a union, whose `Unknown` takes the event types this version does not know.
            "structure" if json.bool_at("eventstream") => union(ir, shape),
            "structure" => structure(ir, shape),
            "union" => union(ir, shape),
            "string" if is_enum(json) => string_enum(ir, shape),
            _ => continue,
        };
        items.push(item);
    }
    for op in &ir.ops {
        let (name, from) = match module {
            Module::Input => (&op.input_type, &op.synthesized_from),
            Module::Output => (&op.output_type, &op.output_synthesized_from),
            _ => continue,
        };
        if let Some(from) = from {
            items.push(synthesized(ir, name, from.as_deref(), module));
        }
    }
    items
}
