//! The impls every generated type needs, written once as macros so a generated crate is its
//! type definitions plus one compact line per member.
//!
//! Field lists are `name: Type` (or `name = Type` for a number or boolean, see [`__setter`]) with
//! an optional `[sensitive]` marker, in the model's member order: values convert positionally
//! (member `i` of the schema is field `i`).

/// Impls for a generated structure. Modes, any of:
/// `set` (chainable setters), `debug`, `debug_redacted` (the whole shape is sensitive), `into`
/// (`IntoValue`), `from` (`FromValue`), `output` (an operation output with response metadata in
/// `_meta`). `{ hidden }` lists fields outside the model (set to their default when parsing).
#[doc(hidden)]
#[macro_export]
macro_rules! __structure {
    ($name:ident $wire:literal [$($mode:ident)*] $fields:tt $hidden:tt) => {
        $( $crate::__structure!(@$mode $name $wire $fields $hidden); )*
    };
    (@set $name:ident $wire:literal { $($field:ident $sep:tt $ty:ty $([$flag:ident])?),* $(,)? } $hidden:tt) => {
        impl $name {
            $( $crate::__setter!($field $sep $ty); )*
        }
    };
    (@debug $name:ident $wire:literal { $($field:ident $sep:tt $ty:ty $([$flag:ident])?),* $(,)? } $hidden:tt) => {
        impl ::core::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                let mut d = f.debug_struct(stringify!($name));
                $( d.field(stringify!($field), $crate::__debug_field!(self.$field $(, $flag)?)); )*
                d.finish()
            }
        }
    };
    (@debug_redacted $name:ident $wire:literal $fields:tt $hidden:tt) => {
        impl ::core::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                $crate::__private::debug_redacted(f, stringify!($name))
            }
        }
    };
    (@into $name:ident $wire:literal { $($field:ident $sep:tt $ty:ty $([$flag:ident])?),* $(,)? } $hidden:tt) => {
        impl $crate::__private::IntoValue for $name {
            fn into_value(self) -> $crate::Value {
                $crate::Value::Struct(::std::vec![$($crate::__private::opt(self.$field)),*])
            }
        }
    };
    (@from $name:ident $wire:literal { $($field:ident $sep:tt $ty:ty $([$flag:ident])?),* $(,)? } { $($hide:ident),* }) => {
        impl $crate::__private::FromValue for $name {
            #[allow(unused_mut)]
            fn from_value(v: $crate::Value) -> ::core::result::Result<Self, $crate::__private::ConvertError> {
                let mut m = $crate::__private::Members::of(v, $wire)?;
                let value = Self {
                    $($field: m.next(),)*
                    $($hide: ::core::default::Default::default(),)*
                };
                m.finish(value)
            }
        }
    };
    (@output $name:ident $wire:literal $fields:tt $hidden:tt) => {
        impl $name {
            /// boto3's `ResponseMetadata`: request id, HTTP status and headers, retries.
            pub fn response_metadata(&self) -> &$crate::ResponseMetadata {
                self._meta.get()
            }
        }
        impl $crate::Output for $name {
            fn __set_response_metadata(&mut self, metadata: $crate::ResponseMetadata) {
                self._meta.set(metadata)
            }
        }
    };
}

/// A chainable setter: `name: Type` takes anything `Into<Type>`, `name = Type` (numbers and
/// booleans, so a literal keeps its type) takes the value itself.
#[doc(hidden)]
#[macro_export]
macro_rules! __setter {
    ($field:ident : $ty:ty) => {
        #[doc = concat!("Sets `", stringify!($field), "`.")]
        pub fn $field(mut self, v: impl ::core::convert::Into<$ty>) -> Self {
            self.$field = ::core::option::Option::Some(v.into());
            self
        }
    };
    ($field:ident = $ty:ty) => {
        #[doc = concat!("Sets `", stringify!($field), "`.")]
        pub fn $field(mut self, v: $ty) -> Self {
            self.$field = ::core::option::Option::Some(v);
            self
        }
    };
}

/// One field of a generated `Debug`: the value, or `Some(REDACTED)` for a sensitive member.
#[doc(hidden)]
#[macro_export]
macro_rules! __debug_field {
    ($self:ident . $field:ident) => {
        &$self.$field
    };
    ($self:ident . $field:ident, sensitive) => {
        &$crate::types::Redacted(&$self.$field)
    };
}

/// Ties operation inputs to their operation, output and errors, and gives each `send()`:
/// `Input => Output = OPERATION_STATIC "OperationName";` per operation.
#[doc(hidden)]
#[macro_export]
macro_rules! __operations {
    ($error:ty; $($input:ident => $output:ident = $op:path, $name:literal;)*) => {$(
        impl $crate::OperationInput for $input {
            type Output = $output;
            type Error = $error;
            const OPERATION: &'static $crate::__private::schema::Operation = &$op;
            fn __client(&self) -> ::core::option::Option<&$crate::ServiceClient> {
                self._client.client()
            }
        }
        impl $input {
            #[doc = concat!("Sends the `", $name, "` request through the client that created this input.")]
            pub fn send(self) -> $crate::ResponseFuture<$output, $error> {
                $crate::__private::send(self)
            }
        }
    )*};
}

/// A string enum: one variant per model value, plus `Unknown` for values this version does not
/// know (which users cannot construct, so `Unknown` never stands for a known value).
#[doc(hidden)]
#[macro_export]
macro_rules! __string_enum {
    ($(#[$attr:meta])* $name:ident { $($variant:ident = $value:literal),* $(,)? }) => {
        $(#[$attr])*
        #[derive(Clone, Debug)]
        #[non_exhaustive]
        pub enum $name {
            $( #[doc = concat!("`", $value, "`")] $variant, )*
            /// A value this version of the SDK does not know: read it with `as_str()`.
            Unknown($crate::types::UnknownValue),
        }
        impl $name {
            /// Every value the model lists.
            pub const VALUES: &'static [&'static str] = &[$($value),*];
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $value, )*
                    Self::Unknown(v) => v.as_str(),
                }
            }
        }
        // Compared, ordered and hashed by wire value: cheaper to compile than derived matches,
        // and the same relation, since `Unknown` never holds a value that has a variant.
        impl ::core::cmp::PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }
        impl ::core::cmp::Eq for $name {}
        impl ::core::hash::Hash for $name {
            fn hash<H: ::core::hash::Hasher>(&self, state: &mut H) {
                self.as_str().hash(state)
            }
        }
        impl ::core::cmp::PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> ::core::option::Option<::core::cmp::Ordering> {
                ::core::option::Option::Some(self.cmp(other))
            }
        }
        impl ::core::cmp::Ord for $name {
            fn cmp(&self, other: &Self) -> ::core::cmp::Ordering {
                self.as_str().cmp(other.as_str())
            }
        }
        impl $crate::__private::StringEnum for $name {
            fn as_str(&self) -> &str {
                $name::as_str(self)
            }
            fn from_wire(s: ::std::string::String) -> Self {
                match s.as_str() {
                    $( $value => Self::$variant, )*
                    _ => Self::Unknown($crate::__private::unknown(s)),
                }
            }
        }
        $crate::enum_value!(str $name);
    };
}
