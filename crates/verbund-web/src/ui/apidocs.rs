//! The browsable API documentation, rendered on the server from the OpenAPI document (no
//! third-party viewer, no scripts, works offline and with assistive technology).

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::{Layout, render};
use crate::api::OPENAPI_JSON;

struct Operation {
    anchor: String,
    method: String,
    path: String,
    summary: String,
    /// (name, where, description)
    params: Vec<(String, String, String)>,
    request_body: Option<String>,
    /// (status, description)
    responses: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "api/docs.html")]
struct DocsPage {
    layout: Layout,
    description: String,
    version: String,
    operations: Vec<Operation>,
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn operations(doc: &Value) -> Vec<Operation> {
    let mut ops = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return ops;
    };
    for (path, item) in paths {
        for method in ["get", "post", "put", "patch", "delete"] {
            let Some(op) = item.get(method) else { continue };
            let summary = [text(op, "summary"), text(op, "description")]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            let params = op
                .get("parameters")
                .and_then(Value::as_array)
                .map(|ps| {
                    ps.iter()
                        .map(|p| (text(p, "name"), text(p, "in"), text(p, "description")))
                        .collect()
                })
                .unwrap_or_default();
            let request_body = op
                .pointer("/requestBody/content/application~1json/schema/$ref")
                .and_then(Value::as_str)
                .map(|r| r.trim_start_matches("#/components/schemas/").to_owned());
            let responses = op
                .get("responses")
                .and_then(Value::as_object)
                .map(|rs| {
                    rs.iter()
                        .map(|(status, r)| (status.clone(), text(r, "description")))
                        .collect()
                })
                .unwrap_or_default();
            let anchor = format!(
                "{method}-{}",
                path.trim_matches('/')
                    .replace(['/', '{', '}'], "-")
                    .trim_matches('-')
            );
            ops.push(Operation {
                anchor,
                method: method.to_uppercase(),
                path: path.clone(),
                summary,
                params,
                request_body,
                responses,
            });
        }
    }
    ops
}

/// `/api/docs`: every operation with its parameters and responses.
pub(crate) async fn api_docs() -> Response {
    let doc: Value = serde_json::from_str(&OPENAPI_JSON).unwrap_or(Value::Null);
    let page = DocsPage {
        layout: Layout::anonymous(),
        description: doc
            .pointer("/info/description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        version: doc
            .pointer("/info/version")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        operations: operations(&doc),
    };
    render(StatusCode::OK, &page)
}
