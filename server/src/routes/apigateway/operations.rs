//! Every operation of API Gateway's REST management API (service `apigateway`, version
//! 2015-07-09), as botocore's service model lists them: name, HTTP method and request URI.
//! Used to name the operation a request is for, including those Gatehouse does not implement.
//! Generated from botocore 1.44.8's `apigateway/2015-07-09/service-2.json`.

#[rustfmt::skip]
pub(super) const OPERATIONS: &[(&str, &str, &str)] = &[
    ("GetAccount", "GET", "/account"),
    ("UpdateAccount", "PATCH", "/account"),
    ("GetApiKeys", "GET", "/apikeys"),
    ("CreateApiKey", "POST", "/apikeys"),
    ("DeleteApiKey", "DELETE", "/apikeys/{api_Key}"),
    ("GetApiKey", "GET", "/apikeys/{api_Key}"),
    ("UpdateApiKey", "PATCH", "/apikeys/{api_Key}"),
    ("ImportApiKeys", "POST", "/apikeys?mode=import"),
    ("GetClientCertificates", "GET", "/clientcertificates"),
    ("GenerateClientCertificate", "POST", "/clientcertificates"),
    ("DeleteClientCertificate", "DELETE", "/clientcertificates/{clientcertificate_id}"),
    ("GetClientCertificate", "GET", "/clientcertificates/{clientcertificate_id}"),
    ("UpdateClientCertificate", "PATCH", "/clientcertificates/{clientcertificate_id}"),
    ("GetDomainNameAccessAssociations", "GET", "/domainnameaccessassociations"),
    ("CreateDomainNameAccessAssociation", "POST", "/domainnameaccessassociations"),
    ("DeleteDomainNameAccessAssociation", "DELETE", "/domainnameaccessassociations/{domain_name_access_association_arn}"),
    ("GetDomainNames", "GET", "/domainnames"),
    ("CreateDomainName", "POST", "/domainnames"),
    ("DeleteDomainName", "DELETE", "/domainnames/{domain_name}"),
    ("GetDomainName", "GET", "/domainnames/{domain_name}"),
    ("UpdateDomainName", "PATCH", "/domainnames/{domain_name}"),
    ("GetBasePathMappings", "GET", "/domainnames/{domain_name}/basepathmappings"),
    ("CreateBasePathMapping", "POST", "/domainnames/{domain_name}/basepathmappings"),
    ("DeleteBasePathMapping", "DELETE", "/domainnames/{domain_name}/basepathmappings/{base_path}"),
    ("GetBasePathMapping", "GET", "/domainnames/{domain_name}/basepathmappings/{base_path}"),
    ("UpdateBasePathMapping", "PATCH", "/domainnames/{domain_name}/basepathmappings/{base_path}"),
    ("RejectDomainNameAccessAssociation", "POST", "/rejectdomainnameaccessassociations"),
    ("GetRestApis", "GET", "/restapis"),
    ("CreateRestApi", "POST", "/restapis"),
    ("DeleteRestApi", "DELETE", "/restapis/{restapi_id}"),
    ("GetRestApi", "GET", "/restapis/{restapi_id}"),
    ("UpdateRestApi", "PATCH", "/restapis/{restapi_id}"),
    ("PutRestApi", "PUT", "/restapis/{restapi_id}"),
    ("GetAuthorizers", "GET", "/restapis/{restapi_id}/authorizers"),
    ("CreateAuthorizer", "POST", "/restapis/{restapi_id}/authorizers"),
    ("DeleteAuthorizer", "DELETE", "/restapis/{restapi_id}/authorizers/{authorizer_id}"),
    ("GetAuthorizer", "GET", "/restapis/{restapi_id}/authorizers/{authorizer_id}"),
    ("UpdateAuthorizer", "PATCH", "/restapis/{restapi_id}/authorizers/{authorizer_id}"),
    ("TestInvokeAuthorizer", "POST", "/restapis/{restapi_id}/authorizers/{authorizer_id}"),
    ("GetDeployments", "GET", "/restapis/{restapi_id}/deployments"),
    ("CreateDeployment", "POST", "/restapis/{restapi_id}/deployments"),
    ("DeleteDeployment", "DELETE", "/restapis/{restapi_id}/deployments/{deployment_id}"),
    ("GetDeployment", "GET", "/restapis/{restapi_id}/deployments/{deployment_id}"),
    ("UpdateDeployment", "PATCH", "/restapis/{restapi_id}/deployments/{deployment_id}"),
    ("GetDocumentationParts", "GET", "/restapis/{restapi_id}/documentation/parts"),
    ("CreateDocumentationPart", "POST", "/restapis/{restapi_id}/documentation/parts"),
    ("ImportDocumentationParts", "PUT", "/restapis/{restapi_id}/documentation/parts"),
    ("DeleteDocumentationPart", "DELETE", "/restapis/{restapi_id}/documentation/parts/{part_id}"),
    ("GetDocumentationPart", "GET", "/restapis/{restapi_id}/documentation/parts/{part_id}"),
    ("UpdateDocumentationPart", "PATCH", "/restapis/{restapi_id}/documentation/parts/{part_id}"),
    ("GetDocumentationVersions", "GET", "/restapis/{restapi_id}/documentation/versions"),
    ("CreateDocumentationVersion", "POST", "/restapis/{restapi_id}/documentation/versions"),
    ("DeleteDocumentationVersion", "DELETE", "/restapis/{restapi_id}/documentation/versions/{doc_version}"),
    ("GetDocumentationVersion", "GET", "/restapis/{restapi_id}/documentation/versions/{doc_version}"),
    ("UpdateDocumentationVersion", "PATCH", "/restapis/{restapi_id}/documentation/versions/{doc_version}"),
    ("GetGatewayResponses", "GET", "/restapis/{restapi_id}/gatewayresponses"),
    ("DeleteGatewayResponse", "DELETE", "/restapis/{restapi_id}/gatewayresponses/{response_type}"),
    ("GetGatewayResponse", "GET", "/restapis/{restapi_id}/gatewayresponses/{response_type}"),
    ("UpdateGatewayResponse", "PATCH", "/restapis/{restapi_id}/gatewayresponses/{response_type}"),
    ("PutGatewayResponse", "PUT", "/restapis/{restapi_id}/gatewayresponses/{response_type}"),
    ("GetModels", "GET", "/restapis/{restapi_id}/models"),
    ("CreateModel", "POST", "/restapis/{restapi_id}/models"),
    ("DeleteModel", "DELETE", "/restapis/{restapi_id}/models/{model_name}"),
    ("GetModel", "GET", "/restapis/{restapi_id}/models/{model_name}"),
    ("UpdateModel", "PATCH", "/restapis/{restapi_id}/models/{model_name}"),
    ("GetModelTemplate", "GET", "/restapis/{restapi_id}/models/{model_name}/default_template"),
    ("GetRequestValidators", "GET", "/restapis/{restapi_id}/requestvalidators"),
    ("CreateRequestValidator", "POST", "/restapis/{restapi_id}/requestvalidators"),
    ("DeleteRequestValidator", "DELETE", "/restapis/{restapi_id}/requestvalidators/{requestvalidator_id}"),
    ("GetRequestValidator", "GET", "/restapis/{restapi_id}/requestvalidators/{requestvalidator_id}"),
    ("UpdateRequestValidator", "PATCH", "/restapis/{restapi_id}/requestvalidators/{requestvalidator_id}"),
    ("GetResources", "GET", "/restapis/{restapi_id}/resources"),
    ("CreateResource", "POST", "/restapis/{restapi_id}/resources/{parent_id}"),
    ("DeleteResource", "DELETE", "/restapis/{restapi_id}/resources/{resource_id}"),
    ("GetResource", "GET", "/restapis/{restapi_id}/resources/{resource_id}"),
    ("UpdateResource", "PATCH", "/restapis/{restapi_id}/resources/{resource_id}"),
    ("DeleteMethod", "DELETE", "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}"),
    ("GetMethod", "GET", "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}"),
    ("UpdateMethod", "PATCH", "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}"),
    ("TestInvokeMethod", "POST", "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}"),
    ("PutMethod", "PUT", "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}"),
    ("DeleteIntegration", "DELETE", "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration"),
    ("GetIntegration", "GET", "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration"),
    ("UpdateIntegration", "PATCH", "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration"),
    ("PutIntegration", "PUT", "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration"),
    ("DeleteIntegrationResponse", "DELETE", "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration/responses/{status_code}"),
    ("GetIntegrationResponse", "GET", "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration/responses/{status_code}"),
    ("UpdateIntegrationResponse", "PATCH", "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration/responses/{status_code}"),
    ("PutIntegrationResponse", "PUT", "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration/responses/{status_code}"),
    ("DeleteMethodResponse", "DELETE", "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/responses/{status_code}"),
    ("GetMethodResponse", "GET", "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/responses/{status_code}"),
    ("UpdateMethodResponse", "PATCH", "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/responses/{status_code}"),
    ("PutMethodResponse", "PUT", "/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/responses/{status_code}"),
    ("GetStages", "GET", "/restapis/{restapi_id}/stages"),
    ("CreateStage", "POST", "/restapis/{restapi_id}/stages"),
    ("DeleteStage", "DELETE", "/restapis/{restapi_id}/stages/{stage_name}"),
    ("GetStage", "GET", "/restapis/{restapi_id}/stages/{stage_name}"),
    ("UpdateStage", "PATCH", "/restapis/{restapi_id}/stages/{stage_name}"),
    ("FlushStageAuthorizersCache", "DELETE", "/restapis/{restapi_id}/stages/{stage_name}/cache/authorizers"),
    ("FlushStageCache", "DELETE", "/restapis/{restapi_id}/stages/{stage_name}/cache/data"),
    ("GetExport", "GET", "/restapis/{restapi_id}/stages/{stage_name}/exports/{export_type}"),
    ("GetSdk", "GET", "/restapis/{restapi_id}/stages/{stage_name}/sdks/{sdk_type}"),
    ("ImportRestApi", "POST", "/restapis?mode=import"),
    ("GetSdkTypes", "GET", "/sdktypes"),
    ("GetSdkType", "GET", "/sdktypes/{sdktype_id}"),
    ("UntagResource", "DELETE", "/tags/{resource_arn}"),
    ("GetTags", "GET", "/tags/{resource_arn}"),
    ("TagResource", "PUT", "/tags/{resource_arn}"),
    ("GetUsagePlans", "GET", "/usageplans"),
    ("CreateUsagePlan", "POST", "/usageplans"),
    ("DeleteUsagePlan", "DELETE", "/usageplans/{usageplanId}"),
    ("GetUsagePlan", "GET", "/usageplans/{usageplanId}"),
    ("UpdateUsagePlan", "PATCH", "/usageplans/{usageplanId}"),
    ("GetUsagePlanKeys", "GET", "/usageplans/{usageplanId}/keys"),
    ("CreateUsagePlanKey", "POST", "/usageplans/{usageplanId}/keys"),
    ("DeleteUsagePlanKey", "DELETE", "/usageplans/{usageplanId}/keys/{keyId}"),
    ("GetUsagePlanKey", "GET", "/usageplans/{usageplanId}/keys/{keyId}"),
    ("UpdateUsage", "PATCH", "/usageplans/{usageplanId}/keys/{keyId}/usage"),
    ("GetUsage", "GET", "/usageplans/{usageplanId}/usage"),
    ("GetVpcLinks", "GET", "/vpclinks"),
    ("CreateVpcLink", "POST", "/vpclinks"),
    ("DeleteVpcLink", "DELETE", "/vpclinks/{vpclink_id}"),
    ("GetVpcLink", "GET", "/vpclinks/{vpclink_id}"),
    ("UpdateVpcLink", "PATCH", "/vpclinks/{vpclink_id}"),
];

/// The operation a request is for, with its path parameters (decoded) by the model's names
/// (`restapi_id`, `resource_id`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Matched {
    pub name: &'static str,
    pub params: Vec<(&'static str, String)>,
}

/// Finds the operation for `method` and `path` (relative to `/apigateway`, e.g.
/// `/restapis/abc/resources`). The most specific pattern wins (literal segments beat
/// `{variables}`); `?mode=import` patterns only match with that query parameter.
pub(super) fn identify(method: &str, path: &str, query: &[(String, String)]) -> Option<Matched> {
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(percent_decode)
        .collect();
    let mut best: Option<(usize, Matched)> = None;
    for (name, op_method, uri) in OPERATIONS {
        if !op_method.eq_ignore_ascii_case(method) {
            continue;
        }
        let (pattern, required_query) = match uri.split_once('?') {
            Some((p, q)) => (p, q.split_once('=')),
            None => (*uri, None),
        };
        let mut score = 0;
        if let Some((key, value)) = required_query {
            if !query.iter().any(|(k, v)| k == key && v == value) {
                continue;
            }
            score += 1;
        }
        let parts: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
        if parts.len() != segments.len() {
            continue;
        }
        let mut params = Vec::new();
        let mut fits = true;
        for (part, segment) in parts.iter().zip(&segments) {
            if let Some(var) = part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                params.push((var, segment.clone()));
            } else if part == segment {
                score += 2;
            } else {
                fits = false;
                break;
            }
        }
        if fits && best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, Matched { name, params }));
        }
    }
    best.map(|(_, m)| m)
}

/// Decodes `%XX` escapes (invalid ones are kept as they are).
pub(super) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The query string's pairs, decoded (`+` is a space, as form encoding has it).
pub(super) fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (
                percent_decode(&k.replace('+', " ")),
                percent_decode(&v.replace('+', " ")),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(method: &str, path: &str, query: &str) -> Option<&'static str> {
        identify(method, path, &parse_query(query)).map(|m| m.name)
    }

    #[test]
    fn every_operation_is_reachable_by_its_own_pattern() {
        for (op, method, uri) in OPERATIONS {
            let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
            let concrete = path.replace('{', "x").replace('}', "");
            assert_eq!(name(method, &concrete, query), Some(*op), "{method} {uri}");
        }
    }

    #[test]
    fn literals_beat_variables_and_modes_select_imports() {
        assert_eq!(name("POST", "/restapis", ""), Some("CreateRestApi"));
        assert_eq!(
            name("POST", "/restapis", "mode=import"),
            Some("ImportRestApi")
        );
        assert_eq!(
            name("POST", "/restapis/a1/authorizers/b2", ""),
            Some("TestInvokeAuthorizer")
        );
        assert_eq!(
            name(
                "GET",
                "/restapis/a1/resources/r1/methods/GET/integration/responses/200",
                ""
            ),
            Some("GetIntegrationResponse")
        );
        assert_eq!(name("GET", "/restapis/a1/nothing", ""), None);
        assert_eq!(name("GET", "/apikeys", ""), Some("GetApiKeys"));
    }

    #[test]
    fn path_parameters_are_decoded() {
        let m = identify("GET", "/restapis/a%20b/stages/dev", &[]).expect("matches");
        assert_eq!(m.name, "GetStage");
        assert_eq!(
            m.params,
            vec![
                ("restapi_id", "a b".to_owned()),
                ("stage_name", "dev".to_owned())
            ]
        );
        assert_eq!(
            parse_query("embed=methods&limit=5&x=a%2Fb+c"),
            vec![
                ("embed".to_owned(), "methods".to_owned()),
                ("limit".to_owned(), "5".to_owned()),
                ("x".to_owned(), "a/b c".to_owned())
            ]
        );
    }
}
