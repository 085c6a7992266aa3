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
            #[inline]
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                let mut d = f.debug_struct(stringify!($name));
                $( d.field(stringify!($field), $crate::__debug_field!(self.$field $(, $flag)?)); )*
                d.finish()
            }
        }
    };
    (@debug_redacted $name:ident $wire:literal $fields:tt $hidden:tt) => {
        impl ::core::fmt::Debug for $name {
            #[inline]
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                $crate::__private::debug_redacted(f, stringify!($name))
            }
        }
    };
    (@into $name:ident $wire:literal { $($field:ident $sep:tt $ty:ty $([$flag:ident])?),* $(,)? } $hidden:tt) => {
        impl $crate::__private::IntoValue for $name {
            #[inline]
            fn into_value(self) -> $crate::Value {
                $crate::Value::Struct(::std::vec![$($crate::__private::opt(self.$field)),*])
            }
        }
    };
    // `into_boxed`/`from_boxed`: a structure with a boxed (recursive) member, converted member by
    // member, where `name ~ Type` marks the boxed ones.
    (@into_boxed $name:ident $wire:literal { $($field:ident $sep:tt $ty:ty $([$flag:ident])?),* $(,)? } $hidden:tt) => {
        impl $crate::__private::IntoValue for $name {
            #[inline]
            fn into_value(self) -> $crate::Value {
                $crate::Value::Struct(::std::vec![$($crate::__member_into!($sep self.$field)),*])
            }
        }
    };
    (@from_boxed $name:ident $wire:literal { $($field:ident $sep:tt $ty:ty $([$flag:ident])?),* $(,)? } { $($hide:ident),* }) => {
        impl $crate::__private::FromValue for $name {
            #[allow(unused_mut)]
            #[inline]
            fn from_value(v: $crate::Value) -> ::core::result::Result<Self, $crate::__private::ConvertError> {
                let mut m = $crate::__private::Members::of(v, $wire)?;
                let value = Self {
                    $($field: $crate::__member_from!($sep m),)*
                    $($hide: ::core::default::Default::default(),)*
                };
                m.finish(value)
            }
        }
    };
    (@from $name:ident $wire:literal { $($field:ident $sep:tt $ty:ty $([$flag:ident])?),* $(,)? } { $($hide:ident),* }) => {
        impl $crate::__private::FromValue for $name {
            #[allow(unused_mut)]
            #[inline]
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
            #[inline]
            pub fn response_metadata(&self) -> &$crate::ResponseMetadata {
                self._meta.get()
            }
        }
        impl $crate::Output for $name {
            #[inline]
            fn __set_response_metadata(&mut self, metadata: $crate::ResponseMetadata) {
                self._meta.set(metadata)
            }
        }
    };
}

/// One member of `into_boxed`: `~` marks a boxed one.
#[doc(hidden)]
#[macro_export]
macro_rules! __member_into {
    (~ $v:expr) => {
        $crate::__private::opt_boxed($v)
    };
    ($sep:tt $v:expr) => {
        $crate::__private::opt($v)
    };
}

/// One member of `from_boxed`: `~` marks a boxed one.
#[doc(hidden)]
#[macro_export]
macro_rules! __member_from {
    (~ $m:ident) => {
        $m.next_boxed()
    };
    ($sep:tt $m:ident) => {
        $m.next()
    };
}

/// A chainable setter: `name: Type` takes anything `Into<Type>` (`name ~ Box<Type>` too, for a
/// boxed member), `name = Type` takes the value itself.
#[doc(hidden)]
#[macro_export]
macro_rules! __setter {
    ($field:ident ~ $ty:ty) => {
        $crate::__setter!($field : $ty);
    };
    ($field:ident : $ty:ty) => {
        #[doc = concat!("Sets `", stringify!($field), "`.")]
        pub fn $field(mut self, v: impl ::core::convert::Into<$ty>) -> Self {
            self.$field = ::core::option::Option::Some(v.into());
            self
        }
    };
    ($field:ident = $ty:ty) => {
        #[doc = concat!("Sets `", stringify!($field), "`.")]
        #[inline]
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
/// `Exception, SERVICE; Input => Output, "OperationName"; ...` where `SERVICE` is the crate's
/// [`LazyService`](crate::__private::schema::LazyService).
#[doc(hidden)]
#[macro_export]
macro_rules! __operations {
    ($error:ty, $service:path; $($input:ident => $output:ident, $name:literal;)*) => {$(
        impl $crate::OperationInput for $input {
            type Output = $output;
            type Error = $error;
            #[inline]
            fn operation() -> &'static $crate::__private::schema::Operation {
                $service.operation($name)
            }
            #[inline]
            fn __service() -> ::core::option::Option<&'static $crate::__private::schema::Service> {
                ::core::option::Option::Some($service.get())
            }
            #[inline]
            fn __client(&self) -> ::core::option::Option<&$crate::ServiceClient> {
                self._client.client()
            }
        }
        impl $input {
            #[doc = concat!("Sends the `", $name, "` request through the client that created this input.")]
            #[inline]
            pub fn send(self) -> $crate::ResponseFuture<$output, $error> {
                $crate::__private::send(self)
            }
        }
    )*};
}

/// A string enum: one variant per model value, plus `Unknown` for values this version does not
/// know (which users cannot construct, so `Unknown` never stands for a known value).
///
/// Each variant is written `index Variant = "wire"`. Only the two conversions between a variant
/// and its index are matches; everything else (wire value, `Debug`, `Clone`, ordering, parsing)
/// goes through the index and the runtime's [`StringEnum`](crate::__private::StringEnum)
/// helpers, because per-variant code in a dozen impls made enums the costliest part of a
/// service crate to compile.
#[doc(hidden)]
#[macro_export]
macro_rules! __string_enum {
    ($(#[$attr:meta])* $name:ident { $($index:literal $variant:ident = $value:literal),* $(,)? }) => {
        $(#[$attr])*
        #[non_exhaustive]
        pub enum $name {
            $( #[doc = concat!("`", $value, "`")] $variant, )*
            /// A value this version of the SDK does not know: read it with `as_str()`.
            Unknown($crate::types::UnknownValue),
        }
        impl $crate::__private::StringEnum for $name {
            const VALUES: &'static [&'static str] = &[$($value),*];
            const NAMES: &'static [&'static str] = &[$(stringify!($variant)),*];
            #[inline]
            fn index(&self) -> ::core::result::Result<usize, &$crate::types::UnknownValue> {
                match self {
                    $( Self::$variant => Ok($index), )*
                    Self::Unknown(v) => Err(v),
                }
            }
            #[inline]
            fn from_index(index: usize) -> Self {
                match index {
                    $( $index => Self::$variant, )*
                    _ => Self::Unknown($crate::__private::unknown_index(index)),
                }
            }
            #[inline]
            fn unknown(value: $crate::types::UnknownValue) -> Self {
                Self::Unknown(value)
            }
        }
        $crate::enum_value!(str $name);
    };
}
