//! How model shapes map to Rust types, and the doc attributes generated items carry.

use crate::docs;
use crate::ir::{shape_type, Ir};
use crate::model::Json;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_json::Value;

pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// `#[doc = "..."]` lines for a Markdown text.
pub fn doc_attrs(markdown: &str) -> TokenStream {
    let lines = docs::doc_lines(markdown);
    let attrs = lines.iter().map(|l| quote!(#[doc = #l]));
    quote!(#(#attrs)*)
}

/// Doc attributes from a model `documentation` (first paragraph only: size matters).
pub fn short_docs(json: &Value) -> TokenStream {
    match json.str_at("documentation") {
        Some(html) => doc_attrs(&docs::first_paragraph(html)),
        None => TokenStream::new(),
    }
}

/// Full Markdown docs from a model `documentation`.
pub fn full_docs(json: &Value) -> TokenStream {
    match json.str_at("documentation") {
        Some(html) => doc_attrs(&docs::to_markdown(html)),
        None => TokenStream::new(),
    }
}

/// What a string shape is: an enum we generate, or plain `String`.
pub fn is_enum(shape: &Value) -> bool {
    shape_type(shape) == "string" && shape.get("enum").and_then(Value::as_array).is_some()
}

impl Ir<'_> {
    /// A generated type's name; every generated module imports all of them.
    pub fn type_path(&self, shape: &str) -> TokenStream {
        let name = ident(&self.info(shape).rust_name);
        quote!(#name)
    }

    /// The Rust type of a value of `shape` (without `Option`).
    pub fn rust_type(&self, shape: &str) -> TokenStream {
        let json = self.json(shape);
        if json.bool_at("eventstream") {
            // The events a response carries, typed by the stream's union and the crate's
            // modeled exceptions.
            let events = self.type_path(shape);
            return quote!(rboto::EventStream<#events, super::error::Exception>);
        }
        if json.bool_at("streaming") && shape_type(json) != "structure" {
            return quote!(rboto::Body);
        }
        match shape_type(json) {
            "structure" if json.bool_at("document") => quote!(rboto::Document),
            "structure" | "union" => self.type_path(shape),
            "string" if is_enum(json) => self.type_path(shape),
            "string" => quote!(String),
            "list" => {
                let item = json
                    .get("member")
                    .and_then(|m| m.str_at("shape"))
                    .unwrap_or_default();
                let t = self.rust_type(item);
                quote!(Vec<#t>)
            }
            "map" => {
                let v = json
                    .get("value")
                    .and_then(|m| m.str_at("shape"))
                    .unwrap_or_default();
                let t = self.rust_type(v);
                quote!(HashMap<String, #t>)
            }
            "boolean" => quote!(bool),
            "byte" => quote!(i8),
            "short" => quote!(i16),
            "integer" | "intEnum" => quote!(i32),
            "long" | "bigInteger" => quote!(i64),
            "float" => quote!(f32),
            "double" | "bigDecimal" => quote!(f64),
            "blob" => quote!(rboto::Blob),
            "timestamp" => quote!(rboto::DateTime),
            "document" => quote!(rboto::Document),
            _ => quote!(rboto::Document),
        }
    }

    /// Whether member `member` of `parent` is a streaming payload (flag on member or target).
    pub fn member_streams(&self, parent: &str, member: &str) -> bool {
        self.json(parent)
            .get("members")
            .and_then(|m| m.get(member))
            .is_some_and(|m| m.bool_at("streaming"))
    }

    /// Whether member `member` of `parent` is JSON text on the wire (`jsonvalue`): users see
    /// the structured document, the runtime writes and reads the text.
    pub fn member_is_json_value(&self, parent: &str, member: &str) -> bool {
        self.json(parent)
            .get("members")
            .and_then(|m| m.get(member))
            .is_some_and(|m| m.bool_at("jsonvalue"))
    }

    /// Whether `shape` is some operation's input.
    fn is_operation_input(&self, shape: &str) -> bool {
        self.ops
            .iter()
            .any(|op| op.input_shape.as_deref() == Some(shape))
    }

    /// The field type of member `member` of `parent` targeting `target` (boxed when cyclic).
    pub fn field_type(&self, parent: &str, member: &str, target: &str) -> TokenStream {
        if !parent.is_empty() && self.member_streams(parent, member) {
            return quote!(rboto::Body);
        }
        if !parent.is_empty() && self.member_is_json_value(parent, member) {
            return quote!(rboto::Document);
        }
        if self.json(target).bool_at("eventstream") && self.is_operation_input(parent) {
            // The events the caller sends, typed by the stream's union.
            let events = self.type_path(target);
            return quote!(rboto::EventStreamSender<#events>);
        }
        let t = self.rust_type(target);
        if self
            .boxed
            .contains(&(parent.to_string(), member.to_string()))
        {
            quote!(Box<#t>)
        } else {
            t
        }
    }
}
