//! Evaluation of a compiled rule set: a flat scope vector of slots, rules tried in order.
//!
//! Values borrow from the rule set and the parameters wherever they can (`Cow`), so a typical
//! resolution allocates only the scope, the URL and the properties it returns.

use super::arn::Arn;
use super::functions;
use super::partitions::PartitionOutputs;
use super::ruleset::{
    Attr, Call, EndpointTemplate, Expr, Fast, PathSeg, Prop, PropMemo, Rule, RuleKind, TPart,
    Template,
};
use super::url::Url;
use super::{AuthScheme, EndpointError, ParamValue, Params, ResolvedEndpoint, RuleSet};
use serde_json::Value as Json;
use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

/// A value during evaluation.
#[derive(Clone, Debug)]
pub(crate) enum Val<'a> {
    Bool(bool),
    Int(i64),
    Str(Cow<'a, str>),
    /// A `StringArray` parameter, borrowed.
    StrList(&'a [String]),
    Array(Rc<Vec<Val<'a>>>),
    Partition(&'static PartitionOutputs),
    Url(Rc<Url>),
    Arn(Rc<Arn>),
}

impl<'a> Val<'a> {
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Python truthiness (`not value`).
    pub(crate) fn truthy(&self) -> bool {
        match self {
            Val::Bool(b) => *b,
            Val::Int(i) => *i != 0,
            Val::Str(s) => !s.is_empty(),
            Val::StrList(l) => !l.is_empty(),
            Val::Array(a) => !a.is_empty(),
            _ => true,
        }
    }

    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Val::Bool(_) => "bool",
            Val::Int(_) => "int",
            Val::Str(_) => "str",
            Val::StrList(_) | Val::Array(_) => "list",
            Val::Partition(_) | Val::Url(_) | Val::Arn(_) => "dict",
        }
    }

    fn to_json(&self) -> Json {
        match self {
            Val::Bool(b) => Json::Bool(*b),
            Val::Int(i) => Json::from(*i),
            Val::Str(s) => Json::String(s.to_string()),
            Val::StrList(l) => Json::Array(l.iter().map(|s| Json::String(s.clone())).collect()),
            Val::Array(a) => Json::Array(a.iter().map(Val::to_json).collect()),
            Val::Partition(p) => Json::Object(p.all.clone()),
            Val::Url(u) => serde_json::json!({
                "scheme": u.scheme, "authority": u.authority, "path": u.path,
                "normalizedPath": u.normalized_path, "isIp": u.is_ip,
            }),
            Val::Arn(a) => serde_json::json!({
                "partition": a.partition, "service": a.service, "region": a.region,
                "accountId": a.account_id, "resourceId": a.resource_id,
            }),
        }
    }
}

fn json_val(v: &'static Json) -> Option<Val<'static>> {
    match v {
        Json::Bool(b) => Some(Val::Bool(*b)),
        Json::String(s) => Some(Val::Str(Cow::Borrowed(s))),
        Json::Number(n) => n.as_i64().map(Val::Int),
        _ => None,
    }
}

fn owned<'a>(s: &str) -> Option<Val<'a>> {
    Some(Val::Str(Cow::Owned(s.to_owned())))
}

fn field<'a>(v: &Val<'a>, attr: &Attr) -> Option<Val<'a>> {
    match v {
        Val::Partition(p) => {
            let p: &'static PartitionOutputs = p;
            let s = |o: &'static Option<String>| o.as_deref().map(|s| Val::Str(Cow::Borrowed(s)));
            match attr {
                Attr::Name => Some(Val::Str(Cow::Borrowed(&p.name))),
                Attr::DnsSuffix => s(&p.dns_suffix),
                Attr::DualStackDnsSuffix => s(&p.dual_stack_dns_suffix),
                Attr::ImplicitGlobalRegion => s(&p.implicit_global_region),
                Attr::SupportsFips => p.supports_fips.map(Val::Bool),
                Attr::SupportsDualStack => p.supports_dual_stack.map(Val::Bool),
                other => p.all.get(other.as_str()).and_then(json_val),
            }
        }
        Val::Url(u) => match attr {
            Attr::Scheme => owned(&u.scheme),
            Attr::Authority => owned(&u.authority),
            Attr::Path => owned(&u.path),
            Attr::NormalizedPath => owned(&u.normalized_path),
            Attr::IsIp => Some(Val::Bool(u.is_ip)),
            _ => None,
        },
        Val::Arn(a) => match attr {
            Attr::Partition => owned(&a.partition),
            Attr::Service => owned(&a.service),
            Attr::Region => owned(&a.region),
            Attr::AccountId => owned(&a.account_id),
            Attr::ResourceId => Some(Val::Array(Rc::new(
                a.resource_id
                    .iter()
                    .map(|s| Val::Str(Cow::Owned(s.clone())))
                    .collect(),
            ))),
            _ => None,
        },
        _ => None,
    }
}

fn index<'a>(v: &Val<'a>, i: usize) -> Option<Val<'a>> {
    match v {
        Val::StrList(l) => l.get(i).map(|s| Val::Str(Cow::Borrowed(s.as_str()))),
        Val::Array(a) => a.get(i).cloned(),
        _ => None,
    }
}

/// botocore's `get_attr`: keys descend, an index ends the path.
pub(crate) fn get_attr<'a>(v: &Val<'a>, path: &[PathSeg]) -> Option<Val<'a>> {
    let mut cur = v.clone();
    for seg in path {
        match seg {
            PathSeg::Key(attr) => cur = field(&cur, attr)?,
            PathSeg::Index(name, i) => {
                if let Some(name) = name {
                    cur = field(&cur, name)?;
                }
                return index(&cur, *i);
            }
        }
    }
    Some(cur)
}

pub(crate) type Scope<'a> = Vec<Option<Val<'a>>>;

pub(crate) struct Eval<'a> {
    pub(crate) rs: &'a RuleSet,
}

fn param_val(v: &ParamValue) -> Val<'_> {
    match v {
        ParamValue::String(s) => Val::Str(Cow::Borrowed(s)),
        ParamValue::Bool(b) => Val::Bool(*b),
        ParamValue::StringArray(a) => Val::StrList(a),
    }
}

pub(crate) fn resolve(
    rs: &RuleSet,
    params: &Params<'_>,
) -> Result<ResolvedEndpoint, EndpointError> {
    let same = std::ptr::eq(rs, params.ruleset);
    let mut scope: Scope<'_> = vec![None; rs.slot_names.len()];
    for (i, p) in rs.params.iter().enumerate() {
        let given = if same {
            params.values.get(i).and_then(Option::as_ref)
        } else {
            params.get(&p.name)
        };
        let v = match given {
            Some(v) => {
                if v.param_type() != p.param_type {
                    return Err(EndpointError::Parameter(format!(
                        "Value ({}) is the wrong type. Must be {}.",
                        p.name,
                        p.param_type.python()
                    )));
                }
                param_val(v)
            }
            None => match &p.default {
                Some(d) => param_val(d),
                None if p.required => {
                    return Err(EndpointError::Parameter(format!(
                        "Cannot find value for required parameter {}",
                        p.name
                    )))
                }
                None => continue,
            },
        };
        scope[i] = Some(v);
    }
    let ev = Eval { rs };
    match ev.rules(&rs.rules, &mut scope)? {
        Some(e) => Ok(e),
        None => {
            let mut msg = String::from("No endpoint found for parameters:");
            for (i, p) in rs.params.iter().enumerate() {
                if let Some(v) = params
                    .values
                    .get(i)
                    .and_then(Option::as_ref)
                    .filter(|_| same)
                {
                    msg.push_str(&format!("\n{}: {}", p.name, param_val(v).to_json()));
                }
            }
            Err(EndpointError::NoMatch(msg))
        }
    }
}

impl<'a> Eval<'a> {
    fn rules(
        &self,
        rules: &'a [Rule],
        scope: &mut Scope<'a>,
    ) -> Result<Option<ResolvedEndpoint>, EndpointError> {
        for rule in rules {
            let r = self.rule(rule, scope);
            for &s in &rule.assigns {
                scope[s] = None;
            }
            if let Some(e) = r? {
                return Ok(Some(e));
            }
        }
        Ok(None)
    }

    fn rule(
        &self,
        rule: &'a Rule,
        scope: &mut Scope<'a>,
    ) -> Result<Option<ResolvedEndpoint>, EndpointError> {
        for c in &rule.conditions {
            if !self.condition(c, scope)? {
                return Ok(None);
            }
        }
        match &rule.kind {
            RuleKind::Tree(rules) => self.rules(rules, scope),
            RuleKind::Endpoint(e) => self.endpoint(e, scope).map(Some),
            RuleKind::Error(e) => match self.expr(e, scope)? {
                Some(Val::Str(m)) => Err(EndpointError::Rule(m.into_owned())),
                other => Err(EndpointError::Rule(
                    other
                        .map(|v| v.to_json().to_string())
                        .unwrap_or_else(|| "None".into()),
                )),
            },
        }
    }

    fn endpoint(
        &self,
        e: &'a EndpointTemplate,
        scope: &mut Scope<'a>,
    ) -> Result<ResolvedEndpoint, EndpointError> {
        let url = match self.expr(&e.url, scope)? {
            Some(Val::Str(s)) => s.into_owned(),
            other => {
                return Err(EndpointError::Evaluation(format!(
                    "endpoint URL resolved to {} instead of a string",
                    other.map_or("None", |v| v.type_name())
                )))
            }
        };
        let mut headers = Vec::with_capacity(e.headers.len());
        for (name, values) in &e.headers {
            let mut out = Vec::with_capacity(values.len());
            for v in values {
                match self.expr(v, scope)? {
                    Some(Val::Str(s)) => out.push(s.into_owned()),
                    Some(other) => out.push(render_scalar(&other)?),
                    None => {}
                }
            }
            headers.push((name.clone(), out));
        }
        let (properties, auth_schemes) = self.properties(e, scope)?;
        Ok(ResolvedEndpoint {
            url,
            headers,
            properties,
            auth_schemes,
        })
    }

    /// The endpoint's properties, shared with the previous resolution through this rule when
    /// every template inside them renders the same.
    #[allow(clippy::type_complexity)]
    fn properties(
        &self,
        e: &'a EndpointTemplate,
        scope: &Scope<'a>,
    ) -> Result<(Arc<serde_json::Map<String, Json>>, Arc<[AuthScheme]>), EndpointError> {
        if let Ok(memo) = e.memo.try_lock() {
            if let Some(m) = memo.as_ref() {
                let mut hit = m.keys.len() == e.prop_templates.len();
                for (t, key) in e.prop_templates.iter().zip(&m.keys) {
                    if !hit || !self.template_matches(t, scope, key)? {
                        hit = false;
                        break;
                    }
                }
                if hit {
                    return Ok((m.properties.clone(), m.auth_schemes.clone()));
                }
            }
        }
        let mut properties = serde_json::Map::new();
        for (k, p) in &e.properties {
            properties.insert(k.clone(), self.prop(p, scope)?);
        }
        let properties = Arc::new(properties);
        let auth = ResolvedEndpoint::parse_auth_schemes(&properties);
        if let Ok(mut memo) = e.memo.try_lock() {
            let keys = e
                .prop_templates
                .iter()
                .map(|t| self.template(t, scope))
                .collect::<Result<Vec<_>, _>>()?;
            *memo = Some(PropMemo {
                keys,
                properties: properties.clone(),
                auth_schemes: auth.clone(),
            });
        }
        Ok((properties, auth))
    }

    /// Whether `t` renders to exactly `expected`, without building the string.
    fn template_matches(
        &self,
        t: &'a Template,
        scope: &Scope<'a>,
        expected: &str,
    ) -> Result<bool, EndpointError> {
        let mut rest = expected;
        for part in &t.parts {
            let piece: Cow<'_, str> = match part {
                TPart::Lit(s) => Cow::Borrowed(s.as_str()),
                TPart::Var(slot, path) => match (&scope[*slot], path.is_empty()) {
                    (Some(Val::Str(s)), true) => Cow::Borrowed(&**s),
                    _ => {
                        // Rare (attributes, non-strings): render the whole template.
                        return Ok(self.template(t, scope)? == expected);
                    }
                },
            };
            match rest.strip_prefix(&*piece) {
                Some(r) => rest = r,
                None => return Ok(false),
            }
        }
        Ok(rest.is_empty())
    }

    fn prop(&self, p: &'a Prop, scope: &Scope<'a>) -> Result<Json, EndpointError> {
        Ok(match p {
            Prop::Json(j) => j.clone(),
            Prop::Template(t) => Json::String(self.template(t, scope)?),
            Prop::Object(fields) => {
                let mut m = serde_json::Map::new();
                for (k, v) in fields {
                    m.insert(k.clone(), self.prop(v, scope)?);
                }
                Json::Object(m)
            }
            Prop::Array(items) => Json::Array(
                items
                    .iter()
                    .map(|i| self.prop(i, scope))
                    .collect::<Result<_, _>>()?,
            ),
        })
    }

    fn template(&self, t: &'a Template, scope: &Scope<'a>) -> Result<String, EndpointError> {
        let mut out = String::with_capacity(64);
        for part in &t.parts {
            match part {
                TPart::Lit(s) => out.push_str(s),
                TPart::Var(slot, path) => {
                    let name = &self.rs.slot_names[*slot];
                    let v = scope[*slot].as_ref().ok_or_else(|| {
                        EndpointError::Evaluation(format!("template variable `{name}` is not set"))
                    })?;
                    let v = if path.is_empty() {
                        match v {
                            Val::Str(s) => {
                                out.push_str(s);
                                continue;
                            }
                            other => other.clone(),
                        }
                    } else {
                        get_attr(v, path).ok_or_else(|| {
                            EndpointError::Evaluation(format!(
                                "template variable `{name}` has no such attribute"
                            ))
                        })?
                    };
                    match v {
                        Val::Str(s) => out.push_str(&s),
                        other => out.push_str(&render_scalar(&other)?),
                    }
                }
            }
        }
        Ok(out)
    }

    pub(crate) fn expr(
        &self,
        e: &'a Expr,
        scope: &mut Scope<'a>,
    ) -> Result<Option<Val<'a>>, EndpointError> {
        Ok(match e {
            Expr::Str(s) => Some(Val::Str(Cow::Borrowed(s))),
            Expr::Bool(b) => Some(Val::Bool(*b)),
            Expr::Int(i) => Some(Val::Int(*i)),
            Expr::Ref(slot) => scope[*slot].clone(),
            Expr::Template(t) => Some(Val::Str(Cow::Owned(self.template(t, scope)?))),
            Expr::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    if let Some(v) = self.expr(i, scope)? {
                        out.push(v);
                    }
                }
                Some(Val::Array(Rc::new(out)))
            }
            Expr::Call(c) => self.call(c, scope)?,
        })
    }

    /// A condition holds unless it yields `false` or nothing (botocore's `evaluate_conditions`).
    fn condition(&self, c: &'a Call, scope: &mut Scope<'a>) -> Result<bool, EndpointError> {
        if let Some(f) = &c.fast {
            let quick = match f {
                Fast::IsSet(s) => Some(scope[*s].is_some()),
                Fast::NotIsSet(s) => Some(scope[*s].is_none()),
                Fast::BoolEq(s, b) => match &scope[*s] {
                    Some(Val::Bool(v)) => Some(v == b),
                    _ => None,
                },
                Fast::StrEq(s, l) => match &scope[*s] {
                    Some(Val::Str(v)) => Some(v == l),
                    _ => None,
                },
                Fast::NotStrEq(s, l) => match &scope[*s] {
                    Some(Val::Str(v)) => Some(v != l),
                    _ => None,
                },
            };
            if let Some(q) = quick {
                return Ok(q);
            }
        }
        Ok(!matches!(
            self.call(c, scope)?,
            None | Some(Val::Bool(false))
        ))
    }

    fn call(&self, c: &'a Call, scope: &mut Scope<'a>) -> Result<Option<Val<'a>>, EndpointError> {
        let result = functions::call(self, c, scope)?;
        if let Some(slot) = c.assign {
            if scope[slot].is_some() {
                return Err(EndpointError::Evaluation(format!(
                    "Assignment {} already exists in scoped variables and cannot be overwritten",
                    self.rs.slot_names[slot]
                )));
            }
            scope[slot] = result.clone();
        }
        Ok(result)
    }
}

/// Python's `f"{value}"` for the scalars a template may meet.
fn render_scalar(v: &Val<'_>) -> Result<String, EndpointError> {
    Ok(match v {
        Val::Str(s) => s.to_string(),
        Val::Bool(true) => "True".into(),
        Val::Bool(false) => "False".into(),
        Val::Int(i) => i.to_string(),
        other => {
            return Err(EndpointError::Evaluation(format!(
                "cannot render a {} in a template",
                other.type_name()
            )))
        }
    })
}
