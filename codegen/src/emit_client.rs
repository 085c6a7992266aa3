//! Emission of the client, the per-operation glue and the service's exception enum.

use crate::ir::Ir;
use crate::model::Json;
use crate::rust_types::{doc_attrs, full_docs, ident, short_docs};
use proc_macro2::TokenStream;
use quote::quote;

impl Ir<'_> {
    fn input_path(&self, op: &crate::ir::OpInfo) -> TokenStream {
        let name = ident(&op.input_type);
        quote!(#name)
    }

    fn output_type(&self, op: &crate::ir::OpInfo) -> TokenStream {
        let name = ident(&op.output_type);
        quote!(#name)
    }

    /// `client.rs`: the `Client` with one method per operation.
    pub fn client_file(&self) -> TokenStream {
        let title = self
            .model
            .meta_str("serviceFullName")
            .or_else(|| self.model.meta_str("serviceId"))
            .unwrap_or(&self.model.service_name)
            .to_string();
        let doc = doc_attrs(&format!(
            "A client for {title}.\n\nMake one per configuration and share it: clones are cheap."
        ));
        let methods = self.ops.iter().map(|op| {
            let json = &self.model.operations().expect("checked")[&op.name];
            let docs = full_docs(json);
            let f = ident(&op.fn_name);
            let input = self.input_path(op);
            let deprecated = json.bool_at("deprecated").then(|| quote!(#[deprecated]));
            quote! {
                #docs
                #deprecated
                pub fn #f(&self) -> #input {
                    #input { _client: rboto::__private::Bound::to(&self.inner), ..Default::default() }
                }
            }
        });
        quote! {
            #doc
            #[derive(Clone, Debug)]
            pub struct Client {
                inner: rboto::ServiceClient,
            }
            impl Client {
                /// Creates a client from shared configuration.
                pub fn new(config: &rboto::Config) -> Self {
                    Client { inner: rboto::ServiceClient::new(config, super::schema::SERVICE.get()) }
                }
                /// The runtime client underneath.
                pub fn service_client(&self) -> &rboto::ServiceClient {
                    &self.inner
                }
                /// Sends an input built on its own (`Input::default().member(..)`).
                pub fn send<I>(&self, input: I) -> rboto::ResponseFuture<I::Output, super::error::Exception>
                where
                    I: rboto::OperationInput<Error = super::error::Exception>,
                {
                    self.inner.send_input(input)
                }
                /// Presigns an input instead of sending it (boto3's `generate_presigned_url`): the
                /// input may come from this client (`client.op().member(..)`) or be built alone.
                pub async fn presign<I>(
                    &self,
                    input: I,
                    presign: &rboto::Presign,
                ) -> Result<rboto::PresignedRequest, super::Error>
                where
                    I: rboto::OperationInput<Error = super::error::Exception>,
                {
                    self.inner.presign(input, presign).await
                }
                #(#methods)*
            }
        }
    }

    /// `operations.rs`: ties each input type to its operation, and its `send`.
    pub fn operations_file(&self) -> TokenStream {
        let items = self.ops.iter().map(|op| {
            let input = self.input_path(op);
            let output = self.output_type(op);
            let name = op.name.as_str();
            quote!(#input => #output, #name;)
        });
        quote!(rboto::__operations!(super::error::Exception, super::schema::SERVICE; #(#items)*);)
    }

    /// `error.rs`: exception types, the `Exception` enum and the crate's `Error` alias.
    pub fn error_file(&self, exception_types: TokenStream) -> TokenStream {
        let variants = self.errors.iter().map(|e| {
            let info = self.info(e);
            let v = ident(&info.rust_name);
            let path = self.type_path(e);
            let docs = short_docs(self.json(e));
            quote!(#docs #v(#path),)
        });
        let arms = self.errors.iter().enumerate().map(|(i, e)| {
            let v = ident(&self.info(e).rust_name);
            let i = proc_macro2::Literal::usize_unsuffixed(i);
            quote!(#i => Self::#v(rv::FromValue::from_value(value).ok()?),)
        });
        let codes = self.errors.iter().map(|e| {
            let v = ident(&self.info(e).rust_name);
            let json = self.json(e);
            let code = json
                .get("error")
                .and_then(|x| x.str_at("code"))
                .unwrap_or(e)
                .to_string();
            quote!(Self::#v(_) => #code,)
        });
        let code_fn = if self.errors.is_empty() {
            quote!(match *self {})
        } else {
            quote!(match self { #(#codes)* })
        };
        let from_body = if self.errors.is_empty() {
            quote! {
                let _ = (index, value);
                None
            }
        } else {
            quote! {
                Some(match index {
                    #(#arms)*
                    _ => return None,
                })
            }
        };
        quote! {
            //! The service's modeled exceptions.
            /// Every error this service models, as `client.exceptions` lists them in boto3.
            #[derive(Debug)]
            #[non_exhaustive]
            pub enum Exception {
                #(#variants)*
            }
            impl Exception {
                /// The error code on the wire.
                pub fn code(&self) -> &'static str { #code_fn }
            }
            impl rboto::ModeledError for Exception {
                fn from_modeled(index: usize, value: rboto::Value) -> Option<Self> {
                    #from_body
                }
            }
            /// The error every operation of this service returns.
            pub type Error = rboto::Error<Exception>;
            #exception_types
        }
    }
}
