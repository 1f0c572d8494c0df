//! Paths in a JSON body: how the API shows them, and which documented
//! field a path names (the fields of the request schemas down to a
//! free-form JSON object such as `metadata`, whose inner path is not a field
//! of the API).

use std::fmt::Write as _;

use utoipa::openapi::schema::{ArrayItems, Schema};
use utoipa::openapi::{Components, RefOr};

/// One step down a JSON document (core's, which finds wide integers).
pub(crate) use modelreg_core::validate::JsonStep as Step;

/// `a.b[0].c`, as the API and core validation write paths.
pub(crate) fn display(path: &[Step]) -> String {
    let mut shown = String::new();
    for step in path {
        match step {
            Step::Key(key) if shown.is_empty() => shown.push_str(key),
            Step::Key(key) => {
                shown.push('.');
                shown.push_str(key);
            }
            Step::Index(i) => {
                let _ = write!(shown, "[{i}]");
            }
        }
    }
    shown
}

/// The field `path` names as the API documents it (`body` for the body
/// itself), and the whole path when it goes on inside that field (into a
/// free-form JSON object). `schema` names the request schema among
/// `components`; without them every step is taken to be a field.
pub(crate) fn documented_field(
    components: Option<&Components>,
    schema: &str,
    path: &[Step],
) -> (String, Option<String>) {
    let Some(mut current) = components.and_then(|c| c.schemas.get(schema)) else {
        return (field_of(path), None);
    };
    let mut depth = 0;
    for step in path {
        match (resolve(components, current), step) {
            (Some(Schema::Object(object)), Step::Key(key)) if !object.properties.is_empty() => {
                depth += 1;
                match object.properties.get(key) {
                    Some(property) => current = property,
                    // An unknown field: named, and nothing below it is.
                    None => break,
                }
            }
            (Some(Schema::Array(array)), Step::Index(_)) => match &array.items {
                ArrayItems::RefOrSchema(items) => {
                    depth += 1;
                    current = items;
                }
                ArrayItems::False => break,
            },
            _ => break,
        }
    }
    let inner = (depth < path.len()).then(|| display(path));
    (field_of(&path[..depth]), inner)
}

/// `path` shown as a field: `body` for the body itself.
fn field_of(path: &[Step]) -> String {
    match display(path) {
        shown if shown.is_empty() => "body".to_owned(),
        shown => shown,
    }
}

/// The schema `schema` means: references followed, a nullable alternative
/// (`oneOf [null, X]`) read as X.
fn resolve<'a>(components: Option<&'a Components>, schema: &'a RefOr<Schema>) -> Option<&'a Schema> {
    let mut schema = schema;
    // Bounded: a reference cycle must not hang a request.
    for _ in 0..16 {
        match schema {
            RefOr::Ref(reference) => {
                let name = reference.ref_location.rsplit('/').next()?;
                schema = components?.schemas.get(name)?;
            }
            RefOr::T(Schema::OneOf(one_of)) => {
                schema = one_of.items.iter().find(|s| !is_null(s))?;
            }
            RefOr::T(Schema::AnyOf(any_of)) => {
                schema = any_of.items.iter().find(|s| !is_null(s))?;
            }
            RefOr::T(Schema::AllOf(all_of)) if all_of.items.len() == 1 => {
                schema = all_of.items.first()?;
            }
            RefOr::T(other) => return Some(other),
        }
    }
    None
}

fn is_null(schema: &RefOr<Schema>) -> bool {
    use utoipa::openapi::schema::{SchemaType, Type};
    matches!(schema, RefOr::T(Schema::Object(o)) if o.schema_type == SchemaType::Type(Type::Null))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Core's scan of a body, with the path as the API shows it.
    fn found(text: &str) -> Option<(String, String)> {
        modelreg_core::validate::wide_integer(text).map(|(path, literal)| (display(&path), literal))
    }

    #[test]
    fn the_first_wide_integer_is_found_with_its_path() {
        let wide = "123456789012345678901";
        let cases = [
            (format!(r#"{{"a": {wide}}}"#), "a", wide.to_owned()),
            (
                format!(r#"{{"a": 1, "b": {{"c": [0, 1, -{wide}]}}}}"#),
                "b.c[2]",
                format!("-{wide}"),
            ),
            (
                format!(r#"{{"x": "{wide}", "a\"b": [{{}}, {{"k": {wide}}}]}}"#),
                "a\"b[1].k",
                wide.to_owned(),
            ),
            (format!(r#"[[], {{"k": []}}, {wide}]"#), "[2]", wide.to_owned()),
            (format!(r#"{{"a": {{"b": 1}}, "c": {wide}}}"#), "c", wide.to_owned()),
            (format!(r#"{{"a": [1, 2], "c": {wide}}}"#), "c", wide.to_owned()),
            (format!(r#"{{"a\u0041": {wide}}}"#), "aA", wide.to_owned()),
        ];
        for (text, path, literal) in cases {
            assert_eq!(found(&text), Some((path.to_owned(), literal)), "{text}");
        }
    }

    #[test]
    fn floats_strings_and_64_bit_integers_are_not_wide() {
        for text in [
            r#"{"a": 18446744073709551615, "b": -9223372036854775808}"#,
            r#"{"a": 1e999, "b": 123456789012345678901.5, "c": "123456789012345678901"}"#,
            r#"{"a\\": "\\\"", "b": [true, false, null]}"#,
        ] {
            assert_eq!(found(text), None, "{text}");
        }
    }

    #[test]
    fn without_a_schema_every_step_is_a_field() {
        let path = [Step::Key("deployment".into()), Step::Key("replicas".into())];
        assert_eq!(
            documented_field(None, "X", &path),
            ("deployment.replicas".to_owned(), None)
        );
        assert_eq!(documented_field(None, "X", &[]), ("body".to_owned(), None));
    }
}
