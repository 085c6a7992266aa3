//! Parsing and compiling `endpoint-rule-set-1.json` into the form [`super::eval`] walks.
//!
//! Compilation interns every parameter and `assign` name into a scope slot, splits template
//! strings into literal and variable parts, parses `getAttr` paths, and maps function names to
//! [`Func`]. It never panics: a malformed rule set is an [`EndpointError::InvalidRuleSet`] and an
//! unknown function an [`EndpointError::Unsupported`].

use super::{AuthScheme, EndpointError, ParamValue, Params, ResolvedEndpoint};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::Value as Json;

/// A parameter's declared type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamType {
    String,
    Boolean,
    StringArray,
}

impl ParamType {
    fn parse(s: &str) -> Option<ParamType> {
        match s.to_ascii_lowercase().as_str() {
            "string" => Some(ParamType::String),
            "boolean" => Some(ParamType::Boolean),
            "stringarray" => Some(ParamType::StringArray),
            _ => None,
        }
    }

    /// Python's type name, as botocore's messages print it.
    pub(crate) fn python(self) -> &'static str {
        match self {
            ParamType::String => "<class 'str'>",
            ParamType::Boolean => "<class 'bool'>",
            ParamType::StringArray => "<class 'tuple'>",
        }
    }
}

/// Where a builtin parameter's value comes from (see [`super::EndpointConfig`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Builtin {
    Region,
    UseFips,
    UseDualStack,
    Endpoint,
    S3ForcePathStyle,
    S3Accelerate,
    S3UseArnRegion,
    S3DisableMultiRegionAccessPoints,
    S3UseGlobalEndpoint,
    S3ControlUseArnRegion,
    StsUseGlobalEndpoint,
    AccountId,
    AccountIdEndpointMode,
    /// A builtin this version does not know; left unset.
    Other,
}

impl Builtin {
    fn parse(s: &str) -> Builtin {
        match s {
            "AWS::Region" => Builtin::Region,
            "AWS::UseFIPS" => Builtin::UseFips,
            "AWS::UseDualStack" => Builtin::UseDualStack,
            "SDK::Endpoint" => Builtin::Endpoint,
            "AWS::S3::ForcePathStyle" => Builtin::S3ForcePathStyle,
            "AWS::S3::Accelerate" => Builtin::S3Accelerate,
            "AWS::S3::UseArnRegion" => Builtin::S3UseArnRegion,
            "AWS::S3::DisableMultiRegionAccessPoints" => Builtin::S3DisableMultiRegionAccessPoints,
            "AWS::S3::UseGlobalEndpoint" => Builtin::S3UseGlobalEndpoint,
            "AWS::S3Control::UseArnRegion" => Builtin::S3ControlUseArnRegion,
            "AWS::STS::UseGlobalEndpoint" => Builtin::StsUseGlobalEndpoint,
            "AWS::Auth::AccountId" => Builtin::AccountId,
            "AWS::Auth::AccountIdEndpointMode" => Builtin::AccountIdEndpointMode,
            _ => Builtin::Other,
        }
    }
}

/// One declared parameter of a rule set.
#[derive(Clone, Debug)]
pub struct Parameter {
    pub name: String,
    pub param_type: ParamType,
    /// `builtIn`, e.g. `AWS::Region`.
    pub builtin: Option<String>,
    pub default: Option<ParamValue>,
    pub required: bool,
    pub(crate) builtin_kind: Option<Builtin>,
}

/// A named attribute in a `getAttr` path or a `{Var#attr}` template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Attr {
    Name,
    DnsSuffix,
    DualStackDnsSuffix,
    SupportsFips,
    SupportsDualStack,
    ImplicitGlobalRegion,
    Scheme,
    Authority,
    Path,
    NormalizedPath,
    IsIp,
    Partition,
    Service,
    Region,
    AccountId,
    ResourceId,
    Other(String),
}

impl Attr {
    fn parse(s: &str) -> Attr {
        match s {
            "name" => Attr::Name,
            "dnsSuffix" => Attr::DnsSuffix,
            "dualStackDnsSuffix" => Attr::DualStackDnsSuffix,
            "supportsFIPS" => Attr::SupportsFips,
            "supportsDualStack" => Attr::SupportsDualStack,
            "implicitGlobalRegion" => Attr::ImplicitGlobalRegion,
            "scheme" => Attr::Scheme,
            "authority" => Attr::Authority,
            "path" => Attr::Path,
            "normalizedPath" => Attr::NormalizedPath,
            "isIp" => Attr::IsIp,
            "partition" => Attr::Partition,
            "service" => Attr::Service,
            "region" => Attr::Region,
            "accountId" => Attr::AccountId,
            "resourceId" => Attr::ResourceId,
            other => Attr::Other(other.to_owned()),
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            Attr::Name => "name",
            Attr::DnsSuffix => "dnsSuffix",
            Attr::DualStackDnsSuffix => "dualStackDnsSuffix",
            Attr::SupportsFips => "supportsFIPS",
            Attr::SupportsDualStack => "supportsDualStack",
            Attr::ImplicitGlobalRegion => "implicitGlobalRegion",
            Attr::Scheme => "scheme",
            Attr::Authority => "authority",
            Attr::Path => "path",
            Attr::NormalizedPath => "normalizedPath",
            Attr::IsIp => "isIp",
            Attr::Partition => "partition",
            Attr::Service => "service",
            Attr::Region => "region",
            Attr::AccountId => "accountId",
            Attr::ResourceId => "resourceId",
            Attr::Other(s) => s,
        }
    }
}

/// One step of a `getAttr` path: `name`, or `name[i]` / `[i]` (an index ends the path, as in
/// botocore).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PathSeg {
    Key(Attr),
    Index(Option<Attr>, usize),
}

/// botocore's `get_attr` path syntax: `a.b`, `a[0]`, `[1]`.
pub(crate) fn parse_path(path: &str, sep: char) -> Vec<PathSeg> {
    path.split(sep)
        .map(|part| {
            // GET_ATTR_RE = (\w*)\[(\d+)\], searched anywhere in the part.
            if let Some(open) = part.find('[') {
                if let Some(close_rel) = part[open + 1..].find(']') {
                    let digits = &part[open + 1..open + 1 + close_rel];
                    let name = &part[..open];
                    if !digits.is_empty()
                        && digits.bytes().all(|c| c.is_ascii_digit())
                        && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
                    {
                        if let Ok(i) = digits.parse() {
                            let name = (!name.is_empty()).then(|| Attr::parse(name));
                            return PathSeg::Index(name, i);
                        }
                    }
                }
            }
            PathSeg::Key(Attr::parse(part))
        })
        .collect()
}

/// A template part: literal text or `{Var}` / `{Var#path}`.
#[derive(Clone, Debug)]
pub(crate) enum TPart {
    Lit(String),
    Var(usize, Vec<PathSeg>),
}

#[derive(Clone, Debug)]
pub(crate) struct Template {
    pub(crate) parts: Vec<TPart>,
}

/// The standard library.
#[derive(Clone, Debug)]
pub(crate) enum Func {
    IsSet,
    Not,
    BooleanEquals,
    StringEquals,
    /// With the path pre-parsed when it is a literal.
    GetAttr(Option<Vec<PathSeg>>),
    Substring,
    UriEncode,
    ParseUrl,
    IsValidHostLabel,
    Partition,
    ParseArn,
    IsVirtualHostableS3Bucket,
    Coalesce,
    Ite,
    Split,
}

impl Func {
    /// Function, minimum and maximum number of arguments.
    fn parse(name: &str) -> Option<(Func, usize, usize)> {
        Some(match name {
            "isSet" => (Func::IsSet, 1, 1),
            "not" => (Func::Not, 1, 1),
            "booleanEquals" => (Func::BooleanEquals, 2, 2),
            "stringEquals" => (Func::StringEquals, 2, 2),
            "getAttr" => (Func::GetAttr(None), 2, 2),
            "substring" => (Func::Substring, 4, 4),
            "uriEncode" => (Func::UriEncode, 1, 1),
            "parseURL" => (Func::ParseUrl, 1, 1),
            "isValidHostLabel" => (Func::IsValidHostLabel, 2, 2),
            "aws.partition" => (Func::Partition, 1, 1),
            "aws.parseArn" => (Func::ParseArn, 1, 1),
            "aws.isVirtualHostableS3Bucket" => (Func::IsVirtualHostableS3Bucket, 2, 2),
            "coalesce" => (Func::Coalesce, 1, usize::MAX),
            "ite" => (Func::Ite, 3, 3),
            "split" => (Func::Split, 3, 3),
            _ => return None,
        })
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Call {
    pub(crate) func: Func,
    pub(crate) args: Vec<Expr>,
    pub(crate) assign: Option<usize>,
    /// A shortcut for the most common condition shapes, evaluated without building values.
    pub(crate) fast: Option<Fast>,
}

/// Condition shapes that make up most of every rule set (`booleanEquals(ref, true)`,
/// `isSet(ref)`, `not(isSet(ref))`, `stringEquals(ref, "literal")`); when the referenced slot
/// does not hold the expected type the generic path runs, so errors are unchanged.
#[derive(Clone, Debug)]
pub(crate) enum Fast {
    IsSet(usize),
    NotIsSet(usize),
    BoolEq(usize, bool),
    StrEq(usize, String),
    NotStrEq(usize, String),
}

fn fast(func: &Func, args: &[Expr]) -> Option<Fast> {
    match (func, args) {
        (Func::IsSet, [Expr::Ref(s)]) => Some(Fast::IsSet(*s)),
        (Func::BooleanEquals, [Expr::Ref(s), Expr::Bool(b)])
        | (Func::BooleanEquals, [Expr::Bool(b), Expr::Ref(s)]) => Some(Fast::BoolEq(*s, *b)),
        (Func::StringEquals, [Expr::Ref(s), Expr::Str(l)])
        | (Func::StringEquals, [Expr::Str(l), Expr::Ref(s)]) => Some(Fast::StrEq(*s, l.clone())),
        (Func::Not, [Expr::Call(inner)]) if inner.assign.is_none() => match &inner.fast {
            Some(Fast::IsSet(s)) => Some(Fast::NotIsSet(*s)),
            Some(Fast::StrEq(s, l)) => Some(Fast::NotStrEq(*s, l.clone())),
            _ => None,
        },
        _ => None,
    }
}

#[derive(Clone, Debug)]
pub(crate) enum Expr {
    Str(String),
    Bool(bool),
    Int(i64),
    Array(Vec<Expr>),
    Ref(usize),
    Template(Template),
    Call(Box<Call>),
}

/// An endpoint property value: JSON with template strings.
#[derive(Clone, Debug)]
pub(crate) enum Prop {
    /// No templates inside: cloned as is.
    Json(Json),
    Template(Template),
    Object(Vec<(String, Prop)>),
    Array(Vec<Prop>),
}

#[derive(Debug)]
pub(crate) struct EndpointTemplate {
    pub(crate) url: Expr,
    pub(crate) headers: Vec<(String, Vec<Expr>)>,
    pub(crate) properties: Vec<(String, Prop)>,
    /// Every template inside `properties`, in walk order: the key of `memo`.
    pub(crate) prop_templates: Vec<Template>,
    /// The properties (and parsed auth schemes) last built by this endpoint rule, with the
    /// rendered templates they were built from. Properties depend only on those templates, so
    /// a hit shares the `Arc`s instead of rebuilding JSON (`authSchemes` with a `{Region}`).
    pub(crate) memo: Mutex<Option<PropMemo>>,
}

#[derive(Debug)]
pub(crate) struct PropMemo {
    pub(crate) keys: Vec<String>,
    pub(crate) properties: Arc<serde_json::Map<String, Json>>,
    pub(crate) auth_schemes: Arc<[AuthScheme]>,
}

fn collect_templates(p: &Prop, out: &mut Vec<Template>) {
    match p {
        Prop::Json(_) => {}
        Prop::Template(t) => out.push(t.clone()),
        Prop::Object(fields) => fields.iter().for_each(|(_, v)| collect_templates(v, out)),
        Prop::Array(items) => items.iter().for_each(|v| collect_templates(v, out)),
    }
}

#[derive(Debug)]
pub(crate) enum RuleKind {
    Endpoint(Box<EndpointTemplate>),
    Error(Expr),
    Tree(Vec<Rule>),
}

#[derive(Debug)]
pub(crate) struct Rule {
    pub(crate) conditions: Vec<Call>,
    /// Slots assigned by this rule's conditions, cleared when the rule is left (botocore gives
    /// each rule a copy of its parent's scope).
    pub(crate) assigns: Vec<usize>,
    pub(crate) kind: RuleKind,
}

/// A compiled endpoint rule set. Build one with [`RuleSet::from_json`] (or get a service's
/// cached one from [`super::ruleset_for`]); evaluate it with [`RuleSet::resolve`].
#[derive(Debug)]
pub struct RuleSet {
    pub(crate) params: Vec<Parameter>,
    /// Scope slot names: parameters first, then `assign` targets.
    pub(crate) slot_names: Vec<String>,
    pub(crate) rules: Vec<Rule>,
}

fn invalid(msg: impl Into<String>) -> EndpointError {
    EndpointError::InvalidRuleSet(msg.into())
}

/// botocore's `TEMPLATE_STRING_RE`: `\{[a-zA-Z#]+\}` anywhere in the string.
fn is_template(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'{' {
            let mut j = i + 1;
            while j < b.len() && (b[j].is_ascii_alphabetic() || b[j] == b'#') {
                j += 1;
            }
            if j > i + 1 && j < b.len() && b[j] == b'}' {
                return true;
            }
        }
        i += 1;
    }
    false
}

struct Compiler {
    slots: HashMap<String, usize>,
    names: Vec<String>,
}

impl Compiler {
    fn slot(&mut self, name: &str) -> usize {
        if let Some(&s) = self.slots.get(name) {
            return s;
        }
        let s = self.names.len();
        self.names.push(name.to_owned());
        self.slots.insert(name.to_owned(), s);
        s
    }

    /// Python's `string.Formatter().parse`: `{{`/`}}` escape braces, `{field}` substitutes.
    fn template(&mut self, s: &str) -> Result<Template, EndpointError> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut chars = s.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '{' if chars.peek().map(|p| p.1) == Some('{') => {
                    chars.next();
                    lit.push('{');
                }
                '}' if chars.peek().map(|p| p.1) == Some('}') => {
                    chars.next();
                    lit.push('}');
                }
                '{' => {
                    let rest = &s[i + 1..];
                    let end = rest
                        .find('}')
                        .ok_or_else(|| invalid(format!("unclosed `{{` in template {s:?}")))?;
                    let field = &rest[..end];
                    for _ in 0..field.chars().count() + 1 {
                        chars.next();
                    }
                    let mut segs = field.splitn(2, '#');
                    let var = segs.next().unwrap_or("");
                    let path = segs.next().map(|p| parse_path(p, '#')).unwrap_or_default();
                    if !lit.is_empty() {
                        parts.push(TPart::Lit(std::mem::take(&mut lit)));
                    }
                    parts.push(TPart::Var(self.slot(var), path));
                }
                '}' => return Err(invalid(format!("single `}}` in template {s:?}"))),
                c => lit.push(c),
            }
        }
        if !lit.is_empty() {
            parts.push(TPart::Lit(lit));
        }
        Ok(Template { parts })
    }

    /// An argument, URL, header value or error message: `resolve_value` in botocore.
    fn expr(&mut self, v: &Json, assigns: &mut Vec<usize>) -> Result<Expr, EndpointError> {
        Ok(match v {
            Json::String(s) if is_template(s) => Expr::Template(self.template(s)?),
            Json::String(s) => Expr::Str(s.clone()),
            Json::Bool(b) => Expr::Bool(*b),
            Json::Number(n) => Expr::Int(
                n.as_i64()
                    .ok_or_else(|| invalid(format!("unsupported number {n}")))?,
            ),
            Json::Array(items) => Expr::Array(
                items
                    .iter()
                    .map(|i| self.expr(i, assigns))
                    .collect::<Result<_, _>>()?,
            ),
            Json::Object(o) if o.contains_key("fn") => Expr::Call(Box::new(self.call(v, assigns)?)),
            Json::Object(o) => match o.get("ref").and_then(Json::as_str) {
                Some(name) => Expr::Ref(self.slot(name)),
                None => return Err(invalid(format!("unsupported literal {v}"))),
            },
            Json::Null => return Err(invalid("unsupported literal null")),
        })
    }

    fn call(&mut self, v: &Json, assigns: &mut Vec<usize>) -> Result<Call, EndpointError> {
        let name = v
            .get("fn")
            .and_then(Json::as_str)
            .ok_or_else(|| invalid(format!("expected a function call, found {v}")))?;
        let (mut func, min, max) =
            Func::parse(name).ok_or_else(|| EndpointError::Unsupported(name.to_owned()))?;
        let argv = v
            .get("argv")
            .and_then(Json::as_array)
            .ok_or_else(|| invalid(format!("`{name}` without an `argv` list")))?;
        if argv.len() < min || argv.len() > max {
            return Err(invalid(format!(
                "`{name}` takes {min}{} arguments, found {}",
                if max == min {
                    String::new()
                } else {
                    " or more".into()
                },
                argv.len()
            )));
        }
        let args = argv
            .iter()
            .map(|a| self.expr(a, assigns))
            .collect::<Result<Vec<_>, _>>()?;
        if let Func::GetAttr(path) = &mut func {
            if let Some(Expr::Str(p)) = args.get(1) {
                *path = Some(parse_path(p, '.'));
            }
        }
        let assign = match v.get("assign") {
            None => None,
            Some(Json::String(a)) => {
                let s = self.slot(a);
                assigns.push(s);
                Some(s)
            }
            Some(other) => {
                return Err(invalid(format!("`assign` must be a string, found {other}")))
            }
        };
        let fast = if assign.is_none() {
            fast(&func, &args)
        } else {
            None
        };
        Ok(Call {
            func,
            args,
            assign,
            fast,
        })
    }

    fn prop(&mut self, v: &Json) -> Result<Prop, EndpointError> {
        Ok(match v {
            Json::String(s) if is_template(s) => Prop::Template(self.template(s)?),
            Json::Object(o) => {
                let fields = o
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), self.prop(v)?)))
                    .collect::<Result<Vec<_>, EndpointError>>()?;
                if fields.iter().all(|(_, p)| matches!(p, Prop::Json(_))) {
                    Prop::Json(v.clone())
                } else {
                    Prop::Object(fields)
                }
            }
            Json::Array(items) => {
                let items = items
                    .iter()
                    .map(|i| self.prop(i))
                    .collect::<Result<Vec<_>, _>>()?;
                if items.iter().all(|p| matches!(p, Prop::Json(_))) {
                    Prop::Json(v.clone())
                } else {
                    Prop::Array(items)
                }
            }
            other => Prop::Json(other.clone()),
        })
    }

    fn rule(&mut self, v: &Json) -> Result<Rule, EndpointError> {
        let o = v
            .as_object()
            .ok_or_else(|| invalid(format!("a rule must be an object, found {v}")))?;
        let mut assigns = Vec::new();
        let conditions = match o.get("conditions") {
            None => Vec::new(),
            Some(Json::Array(cs)) => cs
                .iter()
                .map(|c| self.call(c, &mut assigns))
                .collect::<Result<_, _>>()?,
            Some(other) => return Err(invalid(format!("`conditions` must be a list: {other}"))),
        };
        let ty = o.get("type").and_then(Json::as_str).unwrap_or("");
        let kind = match ty {
            "tree" => {
                let rules = o
                    .get("rules")
                    .and_then(Json::as_array)
                    .ok_or_else(|| invalid("tree rule without `rules`"))?;
                RuleKind::Tree(
                    rules
                        .iter()
                        .map(|r| self.rule(r))
                        .collect::<Result<_, _>>()?,
                )
            }
            "endpoint" => {
                let e = o
                    .get("endpoint")
                    .and_then(Json::as_object)
                    .ok_or_else(|| invalid("endpoint rule without `endpoint`"))?;
                let url = self.expr(
                    e.get("url")
                        .ok_or_else(|| invalid("endpoint without `url`"))?,
                    &mut assigns,
                )?;
                let mut headers = Vec::new();
                if let Some(h) = e.get("headers") {
                    let h = h
                        .as_object()
                        .ok_or_else(|| invalid("endpoint `headers` must be an object"))?;
                    for (name, values) in h {
                        let values = values
                            .as_array()
                            .ok_or_else(|| invalid(format!("header {name}: expected a list")))?
                            .iter()
                            .map(|v| self.expr(v, &mut assigns))
                            .collect::<Result<_, _>>()?;
                        headers.push((name.clone(), values));
                    }
                }
                let mut properties = Vec::new();
                if let Some(p) = e.get("properties") {
                    let p = p
                        .as_object()
                        .ok_or_else(|| invalid("endpoint `properties` must be an object"))?;
                    for (k, v) in p {
                        properties.push((k.clone(), self.prop(v)?));
                    }
                }
                let mut prop_templates = Vec::new();
                for (_, p) in &properties {
                    collect_templates(p, &mut prop_templates);
                }
                RuleKind::Endpoint(Box::new(EndpointTemplate {
                    url,
                    headers,
                    properties,
                    prop_templates,
                    memo: Mutex::new(None),
                }))
            }
            "error" => RuleKind::Error(
                self.expr(
                    o.get("error")
                        .ok_or_else(|| invalid("error rule without `error`"))?,
                    &mut assigns,
                )?,
            ),
            other => {
                return Err(invalid(format!(
                    "Unknown rule type: {other}. A rule must be of type tree, endpoint or error."
                )))
            }
        };
        assigns.sort_unstable();
        assigns.dedup();
        Ok(Rule {
            conditions,
            assigns,
            kind,
        })
    }
}

impl RuleSet {
    /// Parses and compiles a rule set from its JSON text.
    pub fn from_json(text: &str) -> Result<RuleSet, EndpointError> {
        let doc: Json = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
        RuleSet::from_value(&doc)
    }

    /// Compiles a parsed rule set.
    pub fn from_value(doc: &Json) -> Result<RuleSet, EndpointError> {
        let mut c = Compiler {
            slots: HashMap::new(),
            names: Vec::new(),
        };
        let mut params = Vec::new();
        let declared = match doc.get("parameters") {
            None => None,
            Some(Json::Object(p)) => Some(p),
            Some(_) => return Err(invalid("`parameters` must be an object")),
        };
        for (name, spec) in declared.into_iter().flatten() {
            let ty = spec.get("type").and_then(Json::as_str).unwrap_or("");
            let param_type = ParamType::parse(ty).ok_or_else(|| {
                invalid(format!(
                    "Unknown parameter type: {ty}. A parameter must be of type string, boolean, \
                     or stringarray."
                ))
            })?;
            let default = match spec.get("default") {
                None | Some(Json::Null) => None,
                Some(d) => Some(ParamValue::from_json(d).ok_or_else(|| {
                    invalid(format!("parameter {name}: unsupported default {d}"))
                })?),
            };
            let builtin = spec
                .get("builtIn")
                .and_then(Json::as_str)
                .map(str::to_owned);
            c.slot(name);
            params.push(Parameter {
                name: name.clone(),
                param_type,
                builtin_kind: builtin.as_deref().map(Builtin::parse),
                builtin,
                default,
                required: spec
                    .get("required")
                    .and_then(Json::as_bool)
                    .unwrap_or(false),
            });
        }
        let rules = doc
            .get("rules")
            .and_then(Json::as_array)
            .ok_or_else(|| invalid("no `rules` list"))?
            .iter()
            .map(|r| c.rule(r))
            .collect::<Result<Vec<_>, _>>()?;
        // The partition table is needed by nearly every rule set: surface a problem now.
        super::partitions::builtin().map_err(invalid)?;
        Ok(RuleSet {
            params,
            slot_names: c.names,
            rules,
        })
    }

    /// The declared parameters, in rule-set order.
    pub fn parameters(&self) -> &[Parameter] {
        &self.params
    }

    pub(crate) fn param_index(&self, name: &str) -> Option<usize> {
        self.params.iter().position(|p| p.name == name)
    }

    /// Empty parameters for this rule set; fill them with [`Params::set`] or use
    /// [`super::params_for`].
    pub fn new_params(&self) -> Params<'_> {
        Params {
            ruleset: self,
            values: vec![None; self.params.len()],
        }
    }

    /// Evaluates the rules against `params`: the first matching endpoint, or the matching error
    /// rule's message as [`EndpointError::Rule`].
    pub fn resolve(&self, params: &Params<'_>) -> Result<ResolvedEndpoint, EndpointError> {
        super::eval::resolve(self, params)
    }
}
