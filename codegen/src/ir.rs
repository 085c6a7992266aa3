//! Resolve and name: the passes between the raw model and emission.
//!
//! Decides, for every shape, its Rust name, which module it lives in, whether it needs
//! `IntoValue`/`FromValue` (by reachability from operation inputs / outputs and errors), which
//! members must be boxed (struct cycles), and which per-operation input types must be
//! synthesized (an input shape shared by several operations cannot implement
//! `OperationInput` twice).

use crate::model::{Json, Model, ModelError};
use crate::naming;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Where a shape's Rust type lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Module {
    Input,
    Output,
    Error,
    Types,
}

impl Module {
    pub fn name(self) -> &'static str {
        match self {
            Module::Input => "input",
            Module::Output => "output",
            Module::Error => "error",
            Module::Types => "types",
        }
    }
}

/// Everything emission needs to know about a shape beyond the JSON.
#[derive(Debug, Clone)]
pub struct ShapeInfo {
    pub rust_name: String,
    pub module: Module,
    pub needs_into: bool,
    pub needs_from: bool,
    /// Has a streaming member (not Clone/PartialEq then).
    pub has_stream: bool,
    /// Member names (Rust) in model order, deduplicated.
    pub member_fields: Vec<String>,
}

/// One operation, resolved.
#[derive(Debug, Clone)]
pub struct OpInfo {
    pub name: String,
    pub fn_name: String,
    pub static_name: String,
    /// The model's input shape, if any.
    pub input_shape: Option<String>,
    /// Rust name of the input type the client method returns (`<Operation>Input`).
    pub input_type: String,
    /// `Some(shape)` when the input type is synthesized as a copy of a shared shape's members.
    pub synthesized_from: Option<Option<String>>,
    /// Rust name of the output type `send()` resolves to (`<Operation>Output`).
    pub output_type: String,
    /// `Some(shape)` when the output type is synthesized (shared, nested or absent shape).
    pub output_synthesized_from: Option<Option<String>>,
}

/// The resolved model.
pub struct Ir<'m> {
    pub model: &'m Model,
    pub shapes: BTreeMap<String, ShapeInfo>,
    /// Shape names in model order.
    pub order: Vec<String>,
    pub ops: Vec<OpInfo>,
    /// Exception shapes in model order; `Operation::errors` indexes into this.
    pub errors: Vec<String>,
    /// Members to box: (structure shape, member name).
    pub boxed: HashSet<(String, String)>,
    /// Every type gets both conversions (see [`Ir::build`]).
    pub all_conversions: bool,
}

/// The shape's type; botocore spells unions as structures with `union: true`.
pub fn shape_type(shape: &Value) -> &str {
    match shape.str_at("type").unwrap_or("structure") {
        "structure" if shape.bool_at("union") => "union",
        t => t,
    }
}

/// Member targets of a shape: (member name or `member`/`key`/`value`, target shape name).
pub fn children(shape: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(members) = shape.obj_at("members") {
        for (name, m) in members {
            if let Some(t) = m.str_at("shape") {
                out.push((name.clone(), t.to_string()));
            }
        }
    }
    for key in ["member", "key", "value"] {
        if let Some(t) = shape.get(key).and_then(|m| m.str_at("shape")) {
            out.push((key.to_string(), t.to_string()));
        }
    }
    out
}

fn is_aggregate(shape: &Value) -> bool {
    matches!(shape_type(shape), "structure" | "union") && !shape.bool_at("document")
}

impl<'m> Ir<'m> {
    /// `all_conversions`: give every shape both `IntoValue` and `FromValue` (the protocol
    /// conformance runner needs to build outputs and read inputs back).
    pub fn build(model: &'m Model, all_conversions: bool) -> Result<Ir<'m>, ModelError> {
        let shapes_json = model.shapes()?;
        let order: Vec<String> = shapes_json.keys().cloned().collect();
        for (name, shape) in shapes_json {
            let needs: &[&str] = match shape_type(shape) {
                "list" => &["member"],
                "map" => &["key", "value"],
                _ => &[],
            };
            for key in needs {
                if shape.get(*key).and_then(|m| m.str_at("shape")).is_none() {
                    return Err(ModelError(format!(
                        "{}: {} shape `{name}` has no `{key}`",
                        model.service_name,
                        shape_type(shape)
                    )));
                }
            }
            for (member, target) in children(shape) {
                if !shapes_json.contains_key(&target) {
                    return Err(ModelError(format!(
                        "{}: shape `{name}` member `{member}` targets unknown shape `{target}`",
                        model.service_name
                    )));
                }
            }
        }

        // Operations and the roles they give shapes.
        let mut input_uses: HashMap<String, usize> = HashMap::new();
        let mut output_uses: HashMap<String, usize> = HashMap::new();
        let mut inputs = BTreeSet::new();
        let mut outputs = BTreeSet::new();
        let mut exceptions = BTreeSet::new();
        for (op_name, op) in model.operations()? {
            let shape_of = |k: &str| {
                op.get(k)
                    .and_then(|r| r.str_at("shape"))
                    .map(str::to_string)
            };
            for (key, set) in [("input", &mut inputs), ("output", &mut outputs)] {
                if let Some(s) = shape_of(key) {
                    if !shapes_json.contains_key(&s) {
                        return Err(ModelError(format!(
                            "{}: operation `{op_name}` {key} is unknown shape `{s}`",
                            model.service_name
                        )));
                    }
                    set.insert(s);
                }
            }
            if let Some(s) = shape_of("input") {
                *input_uses.entry(s).or_default() += 1;
            }
            if let Some(s) = shape_of("output") {
                *output_uses.entry(s).or_default() += 1;
            }
            for e in op
                .get("errors")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(s) = e.str_at("shape").filter(|s| shapes_json.contains_key(*s)) {
                    exceptions.insert(s.to_string());
                }
            }
        }
        for (name, shape) in shapes_json {
            if shape.bool_at("exception") {
                exceptions.insert(name.clone());
            }
        }

        // A shape that is some structure's member must stay a plain type in `types`.
        let nested: HashSet<String> = shapes_json
            .values()
            .flat_map(|shape| children(shape).into_iter().map(|(_, t)| t))
            .collect();
        // Every operation has its own `<Operation>Input` and `<Operation>Output`. A shape that is
        // one operation's input (or output) and nothing else becomes that type; otherwise the
        // type is synthesized with the shape's members (or none).
        let op_names: Vec<String> = model.operations()?.keys().cloned().collect();
        let mut sole_input_of: HashMap<String, String> = HashMap::new();
        let mut sole_output_of: HashMap<String, String> = HashMap::new();
        for (op_name, op) in model.operations()? {
            let shape_of = |k: &str| {
                op.get(k)
                    .and_then(|r| r.str_at("shape"))
                    .map(str::to_string)
            };
            for (key, uses, other_role, sole_of) in [
                ("input", &input_uses, &outputs, &mut sole_input_of),
                ("output", &output_uses, &inputs, &mut sole_output_of),
            ] {
                let sole = |s: &String| {
                    uses[s] == 1
                        && !nested.contains(s)
                        && !other_role.contains(s)
                        && !exceptions.contains(s)
                };
                if let Some(s) = shape_of(key).filter(sole) {
                    sole_of.insert(s, op_name.clone());
                }
            }
        }
        // Operation types are named first, so on a clash the model's other shape gets the suffix.
        let mut wanted: Vec<String> = op_names.iter().map(|op| format!("{op}Input")).collect();
        wanted.extend(op_names.iter().map(|op| format!("{op}Output")));
        wanted.extend(order.iter().cloned());
        let refs: Vec<&str> = wanted.iter().map(String::as_str).collect();
        let type_names = naming::type_names(&refs);
        let op_index: HashMap<&str, usize> = op_names
            .iter()
            .enumerate()
            .map(|(i, o)| (o.as_str(), i))
            .collect();
        let nops = op_names.len();
        let shape_type_name = |i: usize, shape: &str| -> String {
            if let Some(op) = sole_input_of.get(shape) {
                type_names[op_index[op.as_str()]].clone()
            } else if let Some(op) = sole_output_of.get(shape) {
                type_names[nops + op_index[op.as_str()]].clone()
            } else {
                type_names[2 * nops + i].clone()
            }
        };

        let reach = |roots: &BTreeSet<String>| -> HashSet<String> {
            let mut seen: HashSet<String> = HashSet::new();
            let mut stack: Vec<String> = roots.iter().cloned().collect();
            while let Some(s) = stack.pop() {
                if !seen.insert(s.clone()) {
                    continue;
                }
                if let Some(shape) = shapes_json.get(&s) {
                    stack.extend(children(shape).into_iter().map(|(_, t)| t));
                }
            }
            seen
        };
        let into_set = reach(&inputs);
        let mut from_roots = outputs.clone();
        from_roots.extend(exceptions.iter().cloned());
        let from_set = reach(&from_roots);

        let mut shapes = BTreeMap::new();
        for (i, name) in order.iter().enumerate() {
            let shape = &shapes_json[name];
            let module = if sole_input_of.contains_key(name) {
                Module::Input
            } else if exceptions.contains(name) {
                Module::Error
            } else if sole_output_of.contains_key(name) {
                Module::Output
            } else {
                Module::Types
            };
            let member_names: Vec<&str> = shape
                .obj_at("members")
                .map(|m| m.keys().map(String::as_str).collect())
                .unwrap_or_default();
            let has_stream = shape.obj_at("members").is_some_and(|m| {
                m.values().any(|mv| {
                    mv.bool_at("streaming")
                        || mv
                            .str_at("shape")
                            .and_then(|t| shapes_json.get(t))
                            .is_some_and(|t| t.bool_at("streaming") || t.bool_at("eventstream"))
                })
            });
            shapes.insert(
                name.clone(),
                ShapeInfo {
                    rust_name: shape_type_name(i, name),
                    module,
                    needs_into: all_conversions || into_set.contains(name),
                    needs_from: all_conversions || from_set.contains(name),
                    has_stream,
                    member_fields: naming::member_names(&member_names),
                },
            );
        }

        let mut ops = Vec::new();
        let mut op_statics: Vec<String> = op_names.iter().map(|o| naming::static_name(o)).collect();
        naming::dedupe(&mut op_statics);
        let mut fn_names: Vec<String> = op_names
            .iter()
            .map(|o| naming::operation_fn_name(o))
            .collect();
        naming::dedupe(&mut fn_names);
        for (i, op_name) in op_names.iter().enumerate() {
            let op = &model.operations()?[op_name];
            let shape_of = |k: &str| {
                op.get(k)
                    .and_then(|r| r.str_at("shape"))
                    .map(str::to_string)
            };
            let input_shape = shape_of("input");
            let (input_type, synthesized_from) = match &input_shape {
                Some(s) if sole_input_of.contains_key(s) => (shapes[s].rust_name.clone(), None),
                _ => (type_names[i].clone(), Some(input_shape.clone())),
            };
            let output_shape = shape_of("output");
            let (output_type, output_synthesized_from) = match &output_shape {
                Some(s) if sole_output_of.contains_key(s) => (shapes[s].rust_name.clone(), None),
                _ => (type_names[nops + i].clone(), Some(output_shape.clone())),
            };
            ops.push(OpInfo {
                name: op_name.clone(),
                fn_name: fn_names[i].clone(),
                static_name: op_statics[i].clone(),
                input_shape,
                input_type,
                synthesized_from,
                output_type,
                output_synthesized_from,
            });
        }

        let errors: Vec<String> = order
            .iter()
            .filter(|s| exceptions.contains(*s))
            .cloned()
            .collect();
        let boxed = find_boxed(model, &order)?;
        Ok(Ir {
            model,
            shapes,
            order,
            ops,
            errors,
            boxed,
            all_conversions,
        })
    }

    pub fn info(&self, shape: &str) -> &ShapeInfo {
        // Every name passed here came from the model and was checked in `build`.
        &self.shapes[shape]
    }

    pub fn json(&self, shape: &str) -> &Value {
        &self.model.shapes().expect("checked in build")[shape]
    }

    /// The operation named `name` in the model.
    pub fn op(&self, name: &str) -> Option<&OpInfo> {
        self.ops.iter().find(|o| o.name == name)
    }
}

/// What the shared paginator and waiter reader (`rboto_model::specs`) asks of a model; the
/// runtime answers it from its schema, so both see the same inputs.
impl rboto_model::specs::Operations for Ir<'_> {
    fn input(&self, operation: &str) -> Option<rboto_model::specs::Input<'_>> {
        let op = self.op(operation)?;
        let shape = op.input_shape.as_deref();
        Some(rboto_model::specs::Input {
            members: shape
                .and_then(|s| self.json(s).obj_at("members"))
                .map(|m| m.keys().map(String::as_str).collect())
                .unwrap_or_default(),
            streams: shape.is_some_and(|s| self.info(s).has_stream),
        })
    }
}

/// Members whose target can reach back to their own structure through direct struct/union
/// edges (lists and maps already allocate, so they break cycles).
fn find_boxed(model: &Model, order: &[String]) -> Result<HashSet<(String, String)>, ModelError> {
    let shapes = model.shapes()?;
    let direct = |s: &str| -> Vec<(String, String)> {
        shapes
            .get(s)
            .filter(|v| is_aggregate(v))
            .map(children)
            .unwrap_or_default()
            .into_iter()
            .filter(|(_, t)| shapes.get(t).is_some_and(is_aggregate))
            .collect()
    };
    let mut boxed = HashSet::new();
    for s in order {
        for (member, target) in direct(s) {
            // Does target reach s?
            let mut seen = HashSet::new();
            let mut stack = vec![target.clone()];
            let mut cyclic = false;
            while let Some(cur) = stack.pop() {
                if cur == *s {
                    cyclic = true;
                    break;
                }
                if !seen.insert(cur.clone()) {
                    continue;
                }
                stack.extend(direct(&cur).into_iter().map(|(_, t)| t));
            }
            if cyclic {
                boxed.insert((s.clone(), member));
            }
        }
    }
    Ok(boxed)
}
