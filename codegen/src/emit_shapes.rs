//! Emission of the typed shapes: structures, inputs, unions and string enums.
//!
//! Each structure gets plain pub fields, chainable setters (inputs and nested types only) and
//! one line per member in its `IntoValue`/`FromValue` impls. Operation inputs carry a type
//! parameter for the client they are bound to, so the same setters serve both
//! `Input::default().bucket(..)` and `client.put_object().bucket(..).send()`.

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
    structure_named(
        ir,
        shape,
        &info.rust_name,
        info.module == Module::Input,
        json,
    )
}

/// Emits a synthesized per-operation input type with the members of `from` (or none).
pub fn synthesized_input(ir: &Ir<'_>, name: &str, from: Option<&str>) -> TokenStream {
    let empty = serde_json::json!({"type": "structure", "members": {}});
    let json = from.map(|s| ir.json(s)).unwrap_or(&empty);
    structure_named(ir, from.unwrap_or(""), name, true, json)
}

fn structure_named(
    ir: &Ir<'_>,
    shape: &str,
    rust_name: &str,
    is_input: bool,
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
    let setters = fs.iter().map(|f| {
        let (arg, conv) = ir.setter_arg(shape, f.member, f.target);
        let name = &f.field;
        let doc = format!(" Sets `{}`.", f.member);
        quote! {
            #[doc = #doc]
            pub fn #name(mut self, v: #arg) -> Self { self.#name = Some(#conv); self }
        }
    });
    let debug_fields = fs.iter().map(|f| {
        let name = &f.field;
        let label = name.to_string();
        if f.sensitive {
            quote!(.field(#label, &rboto::types::Redacted(&self.#name)))
        } else {
            quote!(.field(#label, &self.#name))
        }
    });
    let any_sensitive = json.bool_at("sensitive") || fs.iter().any(|f| f.sensitive);
    let label = rust_name.to_string();
    let debug_body = if json.bool_at("sensitive") {
        quote!(f.write_str(rboto::types::REDACTED))
    } else {
        quote!(f.debug_struct(#label) #(#debug_fields)* .finish())
    };
    let into_items = fs.iter().map(|f| {
        let name = &f.field;
        quote!(rv::opt(self.#name))
    });
    let from_items = fs.iter().enumerate().map(|(i, f)| {
        let name = &f.field;
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        quote!(#name: m.take(#i)?)
    });
    let static_label = shape.to_string();
    let needs_into = info.is_none_or(|i| i.needs_into) || is_input;
    let needs_from = ir.all_conversions || info.is_some_and(|i| i.needs_from);

    let derives = if has_stream {
        quote!()
    } else {
        quote!(#[derive(Clone, PartialEq)])
    };

    if is_input {
        let none_items = fs.iter().map(|f| {
            let name = &f.field;
            quote!(#name: None)
        });
        let from_impl = needs_from.then(|| {
            let from_items = from_items.clone();
            quote! {
                impl rboto::FromValue for #name {
                    fn from_value(v: rboto::Value) -> Result<Self, rv::ConvertError> {
                        #[allow(unused_mut)]
                        let mut m = rv::Members::of(v, #static_label)?;
                        Ok(Self { #(#from_items,)* _client: () })
                    }
                }
            }
        });
        return quote! {
            #docs
            #derives
            pub struct #name<C = ()> {
                #(#field_defs)*
                #[doc(hidden)]
                pub _client: C,
            }
            impl Default for #name {
                fn default() -> Self { Self::with_client(()) }
            }
            impl<C> #name<C> {
                #[doc(hidden)]
                pub fn with_client(client: C) -> Self {
                    Self { #(#none_items,)* _client: client }
                }
                #(#setters)*
            }
            impl<C> ::std::fmt::Debug for #name<C> {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { #debug_body }
            }
            impl<C> rboto::IntoValue for #name<C> {
                fn into_value(self) -> rboto::Value {
                    rboto::Value::Struct(vec![#(#into_items),*])
                }
            }
            #from_impl
        };
    }

    let derives = if has_stream {
        quote!(#[derive(Default)])
    } else {
        quote!(#[derive(Clone, Default, PartialEq)])
    };
    let (derives, debug_impl) = if any_sensitive {
        (
            derives,
            quote! {
                impl ::std::fmt::Debug for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { #debug_body }
                }
            },
        )
    } else {
        let d = if has_stream {
            quote!(#[derive(Debug, Default)])
        } else {
            quote!(#[derive(Clone, Debug, Default, PartialEq)])
        };
        (d, quote!())
    };
    // Outputs and exceptions are read, not built: no setters keeps them small.
    let setter_impl = matches!(info.map(|i| i.module), Some(Module::Types)).then(|| {
        quote! { impl #name { #(#setters)* } }
    });
    let into_impl = needs_into.then(|| {
        quote! {
            impl rboto::IntoValue for #name {
                fn into_value(self) -> rboto::Value {
                    rboto::Value::Struct(vec![#(#into_items),*])
                }
            }
        }
    });
    let from_body = if fs.is_empty() {
        quote! { rv::Members::of(v, #static_label)?; Ok(Self {}) }
    } else {
        quote! { let mut m = rv::Members::of(v, #static_label)?; Ok(Self { #(#from_items),* }) }
    };
    let from_impl = needs_from.then(|| {
        quote! {
            impl rboto::FromValue for #name {
                fn from_value(v: rboto::Value) -> Result<Self, rv::ConvertError> {
                    #from_body
                }
            }
        }
    });
    quote! {
        #docs
        #derives
        pub struct #name { #(#field_defs)* }
        #setter_impl
        #debug_impl
        #into_impl
        #from_impl
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
    let into_arms = fs
        .iter()
        .zip(&variant_names)
        .enumerate()
        .map(|(i, (_, v))| {
            let v = ident(v);
            let i = proc_macro2::Literal::usize_unsuffixed(i);
            quote!(Self::#v(v) => rv::union(#n, #i, rboto::IntoValue::into_value(v)),)
        });
    let from_arms = fs
        .iter()
        .zip(&variant_names)
        .enumerate()
        .map(|(i, (_, v))| {
            let v = ident(v);
            let i = proc_macro2::Literal::usize_unsuffixed(i);
            quote!(Some((#i, v)) => Self::#v(rboto::FromValue::from_value(v)?),)
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
            impl rboto::IntoValue for #name {
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
            impl rboto::FromValue for #name {
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

/// Emits a string enum with an `Unknown(String)` catch-all.
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
    let as_str = variants
        .iter()
        .zip(&values)
        .map(|(v, s)| quote!(Self::#v => #s,));
    let from_wire = variants
        .iter()
        .zip(&values)
        .map(|(v, s)| quote!(#s => Self::#v,));
    let variant_defs = variants.iter().zip(&values).map(|(v, s)| {
        let doc = if s.contains('`') {
            format!(" `` {s} ``")
        } else {
            format!(" `{s}`")
        };
        quote!(#[doc = #doc] #v,)
    });
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_defs)*
            /// A value this version of the SDK does not know.
            Unknown(String),
        }
        impl #name {
            /// Every value the model lists.
            pub const VALUES: &'static [&'static str] = &[#(#values),*];
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self { #(#as_str)* Self::Unknown(s) => s }
            }
        }
        impl rv::StringEnum for #name {
            fn as_str(&self) -> &str { #name::as_str(self) }
            fn from_wire(s: String) -> Self {
                match s.as_str() { #(#from_wire)* _ => Self::Unknown(s) }
            }
        }
        rboto::enum_value!(str #name);
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
            "structure" => structure(ir, shape),
            "union" => union(ir, shape),
            "string" if is_enum(json) => string_enum(ir, shape),
            _ => continue,
        };
        items.push(item);
    }
    if module == Module::Input {
        for op in &ir.ops {
            if let Some(from) = &op.synthesized_from {
                items.push(synthesized_input(ir, &op.input_type, from.as_deref()));
            }
        }
    }
    items
}
