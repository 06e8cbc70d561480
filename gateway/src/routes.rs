//! The router (reference §1.10): a tree of path parts per (api, stage), matched literal child
//! first, then `{param}`, then `{param+}`, backtracking when a candidate resource lacks the
//! request's method (or `ANY`).

use std::collections::BTreeMap;

use apis::model::HttpMethod;
use percent_encoding::percent_decode_str;

/// One node of the route tree: a resource (when some resource has this path) and its children.
#[derive(Debug, Default, Clone)]
pub struct RouteNode {
    /// Index of the resource at this path, with the methods it has.
    resource: Option<(usize, Vec<HttpMethod>)>,
    literals: BTreeMap<String, RouteNode>,
    /// `{name}` child.
    param: Option<(String, Box<RouteNode>)>,
    /// `{name+}` child (always a leaf: it takes every remaining segment).
    greedy: Option<(String, Box<RouteNode>)>,
}

/// A matched route: the resource index and the decoded path parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteMatch {
    pub resource: usize,
    pub params: Vec<(String, String)>,
    /// Whether the last parameter is a greedy `{name+}` one (its value spans segments).
    pub greedy: bool,
}

impl RouteMatch {
    /// The name of the greedy `{name+}` parameter, when the route has one.
    pub fn greedy_param(&self) -> Option<&str> {
        self.params
            .last()
            .filter(|_| self.greedy)
            .map(|(k, _)| k.as_str())
    }
}

impl RouteNode {
    /// Adds the resource at `path` (`/`, `/pets/{id}`, `/{proxy+}`) with its methods.
    pub fn insert(&mut self, path: &str, resource: usize, methods: Vec<HttpMethod>) {
        let mut node = self;
        for part in path.split('/').filter(|p| !p.is_empty()) {
            node = if let Some(inner) = part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                if let Some(name) = inner.strip_suffix('+') {
                    let slot = node
                        .greedy
                        .get_or_insert_with(|| (name.to_owned(), Box::default()));
                    &mut slot.1
                } else {
                    let slot = node
                        .param
                        .get_or_insert_with(|| (inner.to_owned(), Box::default()));
                    &mut slot.1
                }
            } else {
                node.literals.entry(part.to_owned()).or_default()
            };
        }
        node.resource = Some((resource, methods));
    }

    fn accepts(&self, method: HttpMethod) -> Option<usize> {
        self.resource.as_ref().and_then(|(idx, methods)| {
            methods
                .iter()
                .any(|m| *m == method || *m == HttpMethod::Any)
                .then_some(*idx)
        })
    }

    /// Matches a resource path (after the stage; leading and trailing `/` ignored) for `method`.
    pub fn find(&self, path: &str, method: HttpMethod) -> Option<RouteMatch> {
        let trimmed = path.trim_matches('/');
        let segments: Vec<String> = if trimmed.is_empty() {
            Vec::new()
        } else {
            trimmed.split('/').map(decode).collect()
        };
        let mut params = Vec::new();
        let mut greedy = false;
        let resource = self.walk(&segments, method, &mut params, &mut greedy)?;
        Some(RouteMatch {
            resource,
            params,
            greedy,
        })
    }

    fn walk(
        &self,
        segments: &[String],
        method: HttpMethod,
        params: &mut Vec<(String, String)>,
        greedy: &mut bool,
    ) -> Option<usize> {
        let Some((head, rest)) = segments.split_first() else {
            return self.accepts(method);
        };
        if let Some(child) = self.literals.get(head.as_str())
            && let Some(found) = child.walk(rest, method, params, greedy)
        {
            return Some(found);
        }
        if let Some((name, child)) = &self.param
            && !head.is_empty()
        {
            params.push((name.clone(), head.clone()));
            if let Some(found) = child.walk(rest, method, params, greedy) {
                return Some(found);
            }
            params.pop();
        }
        if let Some((name, child)) = &self.greedy
            && segments.iter().any(|s| !s.is_empty())
            && let Some(found) = child.accepts(method)
        {
            params.push((name.clone(), segments.join("/")));
            *greedy = true;
            return Some(found);
        }
        None
    }
}

fn decode(segment: &str) -> String {
    percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

/// An invoke path split as `/{restApiId}/{stage}/{rest}`: (api id, stage, resource path with
/// its leading `/`). `None` when the api id or stage is missing.
pub fn split_invoke_path(path: &str) -> Option<(&str, &str, &str)> {
    let rest = path.strip_prefix('/')?;
    let (api, rest) = rest.split_once('/').unwrap_or((rest, ""));
    let (stage, tail_start) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if api.is_empty() || stage.is_empty() {
        return None;
    }
    Some((
        api,
        stage,
        if tail_start.is_empty() {
            "/"
        } else {
            tail_start
        },
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use HttpMethod::*;

    fn tree(routes: &[(&str, &[HttpMethod])]) -> RouteNode {
        let mut root = RouteNode::default();
        for (i, (path, methods)) in routes.iter().enumerate() {
            root.insert(path, i, methods.to_vec());
        }
        root
    }

    fn hit(t: &RouteNode, path: &str, m: HttpMethod) -> Option<usize> {
        t.find(path, m).map(|r| r.resource)
    }

    #[test]
    fn literal_before_param_before_greedy() {
        let t = tree(&[
            ("/pets/mine", &[Get]),
            ("/pets/{id}", &[Get]),
            ("/{proxy+}", &[Get]),
            ("/pets", &[Get]),
        ]);
        assert_eq!(hit(&t, "/pets/mine", Get), Some(0));
        assert_eq!(hit(&t, "/pets/42", Get), Some(1));
        assert_eq!(hit(&t, "/other/a/b", Get), Some(2));
        assert_eq!(hit(&t, "/pets", Get), Some(3));
    }

    #[test]
    fn aws_case_method_backtracks_to_proxy() {
        let t = tree(&[("/test", &[Post]), ("/{proxy+}", &[Options])]);
        assert_eq!(hit(&t, "/test", Options), Some(1));
        assert_eq!(hit(&t, "/test", Post), Some(0));
        assert_eq!(hit(&t, "/test", Get), None);
    }

    #[test]
    fn aws_case_dead_end_literal_backtracks_to_greedy() {
        let t = tree(&[
            ("/part1", &[Get]),
            ("/part1/hardcoded-value", &[Get]),
            ("/{param+}", &[Get]),
        ]);
        let m = t.find("/part1/random-value", Get).unwrap();
        assert_eq!(m.resource, 2);
        assert_eq!(
            m.params,
            vec![("param".to_owned(), "part1/random-value".to_owned())]
        );
        assert_eq!(hit(&t, "/part1/hardcoded-value", Get), Some(1));
    }

    #[test]
    fn aws_case_any_serves_every_method() {
        let t = tree(&[("/test/any", &[Any])]);
        assert_eq!(hit(&t, "/test/any", Get), Some(0));
        assert_eq!(hit(&t, "/test/any", Options), Some(0));
    }

    #[test]
    fn trailing_slash_ignored() {
        let t = tree(&[("/pets", &[Get]), ("/", &[Get])]);
        assert_eq!(hit(&t, "/pets/", Get), Some(0));
        assert_eq!(hit(&t, "/", Get), Some(1));
        assert_eq!(hit(&t, "", Get), Some(1));
    }

    #[test]
    fn greedy_never_matches_bare_parent() {
        let t = tree(&[("/parent/{proxy+}", &[Get])]);
        assert_eq!(hit(&t, "/parent", Get), None);
        assert_eq!(hit(&t, "/parent/", Get), None);
        assert_eq!(hit(&t, "/parent/x", Get), Some(0));
    }

    #[test]
    fn params_are_url_decoded() {
        let t = tree(&[("/users/{name}/files/{path+}", &[Get])]);
        let m = t.find("/users/a%20b/files/x%2Fy/z", Get).unwrap();
        assert_eq!(
            m.params,
            vec![
                ("name".to_owned(), "a b".to_owned()),
                ("path".to_owned(), "x/y/z".to_owned())
            ]
        );
        assert_eq!(m.greedy_param(), Some("path"));
        let m = t.find("/users/a/files", Get);
        assert!(m.is_none());
        let t = tree(&[("/users/{name}", &[Get])]);
        assert_eq!(t.find("/users/x", Get).unwrap().greedy_param(), None);
    }

    #[test]
    fn param_backtracks_to_greedy_and_pops_params() {
        let t = tree(&[("/{a}/x", &[Get]), ("/{rest+}", &[Get])]);
        let m = t.find("/one/y", Get).unwrap();
        assert_eq!(m.resource, 1);
        assert_eq!(m.params, vec![("rest".to_owned(), "one/y".to_owned())]);
    }

    #[test]
    fn param_needs_non_empty_segment() {
        let t = tree(&[("/a/{id}/b", &[Get])]);
        assert_eq!(hit(&t, "/a//b", Get), None);
        assert_eq!(hit(&t, "/a/1/b", Get), Some(0));
    }

    #[test]
    fn unknown_path_and_wrong_method() {
        let t = tree(&[("/pets", &[Get])]);
        assert_eq!(hit(&t, "/cats", Get), None);
        assert_eq!(hit(&t, "/pets", Delete), None);
        assert_eq!(hit(&t, "/pets/1", Get), None);
    }

    #[test]
    fn invoke_path_split() {
        assert_eq!(
            split_invoke_path("/abc/prod/pets/1"),
            Some(("abc", "prod", "/pets/1"))
        );
        assert_eq!(split_invoke_path("/abc/prod"), Some(("abc", "prod", "/")));
        assert_eq!(split_invoke_path("/abc/prod/"), Some(("abc", "prod", "/")));
        assert_eq!(split_invoke_path("/abc"), None);
        assert_eq!(split_invoke_path("/abc/"), None);
        assert_eq!(split_invoke_path("/"), None);
    }
}
