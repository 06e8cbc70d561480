//! The golden triples T1–T16 of `shared/reference/api-gateway.md` §2.5: input → template →
//! expected output.
//!
//! Where the reference gives a JSON output, outputs are compared after JSON normalisation (the
//! reference: "whitespace in AWS outputs is not exact"); the normalisation keeps key order, so
//! order is checked too. T16's outputs are AWS-recorded text and are compared exactly. T5–T8 give
//! only part of the data in the reference; their inputs and templates are taken from the AWS
//! pages the reference cites (the page versions whose data match the expected output).

use vtl::{Context, Template};

fn ctx_with_body(body: &str) -> Context {
    let mut ctx = Context::default();
    ctx.input.body = body.to_string();
    ctx
}

fn render(template: &str, ctx: &Context) -> vtl::Rendered {
    let t = Template::parse(template).unwrap_or_else(|e| panic!("parse failed: {e}"));
    t.render(ctx)
        .unwrap_or_else(|e| panic!("render failed: {e}"))
}

/// Re-serialises JSON text compactly (serde_json sorts keys; `key_order` checks the order).
fn normalize(json: &str) -> String {
    let v: serde_json::Value =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("not JSON ({e}):\n{json}"));
    serde_json::to_string(&v).unwrap_or_default()
}

fn assert_json_eq(actual: &str, expected: &str) {
    assert_eq!(
        normalize(actual),
        normalize(expected),
        "\n--- rendered:\n{actual}\n--- expected:\n{expected}"
    );
    assert_eq!(
        key_order(actual),
        key_order(expected),
        "key order differs\n--- rendered:\n{actual}"
    );
}

/// The sequence of object keys in document order (a cheap order check that does not depend on
/// serde_json's map type).
fn key_order(json: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let b = json.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'"' {
            let start = i + 1;
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            let s = &json[start..i.min(json.len())];
            let mut j = i + 1;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < b.len() && b[j] == b':' {
                keys.push(s.to_string());
            }
        }
        i += 1;
    }
    keys
}

const PETS: &str = r#"[{"id":1,"type":"dog","price":249.99},{"id":2,"type":"cat","price":124.99},{"id":3,"type":"fish","price":0.99}]"#;

const T1_TEMPLATE: &str = r#"#set($inputRoot = $input.path('$'))
[
#foreach($elem in $inputRoot)
  {
    "description" : "Item $elem.id is a $elem.type.",
    "askingPrice" : $elem.price
  }#if($foreach.hasNext),#end
#end
]"#;

#[test]
fn t1_petstore_flatten_some() {
    let out = render(T1_TEMPLATE, &ctx_with_body(PETS));
    assert_json_eq(
        &out.body,
        r#"[{"description":"Item 1 is a dog.","askingPrice":249.99},{"description":"Item 2 is a cat.","askingPrice":124.99},{"description":"Item 3 is a fish.","askingPrice":0.99}]"#,
    );
    // Velocity 1.7's whitespace handling, exactly: the newline after `#set(...)`, `#foreach(...)`
    // and each `#end` is consumed.
    assert_eq!(
        out.body,
        "[\n  {\n    \"description\" : \"Item 1 is a dog.\",\n    \"askingPrice\" : 249.99\n  },  {\n    \"description\" : \"Item 2 is a cat.\",\n    \"askingPrice\" : 124.99\n  },  {\n    \"description\" : \"Item 3 is a fish.\",\n    \"askingPrice\" : 0.99\n  }]"
    );
}

#[test]
fn t2_petstore_flatten_all() {
    let template = r##"#set($inputRoot = $input.path('$'))
{
  "listings" : [
#foreach($elem in $inputRoot)
    "Item number $elem.id is a $elem.type. The asking price is $elem.price."#if($foreach.hasNext),#end
#end
  ]
}"##;
    let out = render(template, &ctx_with_body(PETS));
    assert_json_eq(
        &out.body,
        r#"{"listings":["Item number 1 is a dog. The asking price is 249.99.","Item number 2 is a cat. The asking price is 124.99.","Item number 3 is a fish. The asking price is 0.99."]}"#,
    );
}

#[test]
fn t3_petstore_no_flatten() {
    let template = r#"#set($inputRoot = $input.path('$'))
[
#foreach($elem in $inputRoot)
  {"number": $elem.id, "class": "$elem.type", "salesPrice": $elem.price}#if($foreach.hasNext),#end
#end
]"#;
    let out = render(template, &ctx_with_body(PETS));
    assert_json_eq(
        &out.body,
        r#"[{"number":1,"class":"dog","salesPrice":249.99},{"number":2,"class":"cat","salesPrice":124.99},{"number":3,"class":"fish","salesPrice":0.99}]"#,
    );
}

#[test]
fn t4_grocery_bins_to_choices() {
    let input = r#"{"department":"produce","categories":["fruit","vegetables"],"bins":[{"category":"fruit","type":"apples","price":1.99,"unit":"pound","quantity":232},{"category":"fruit","type":"bananas","price":0.19,"unit":"each","quantity":112},{"category":"vegetables","type":"carrots","price":1.29,"unit":"bag","quantity":57}]}"#;
    let template = r#"#set($inputRoot = $input.path('$'))
{
  "choices": [
#foreach($elem in $inputRoot.bins)
    {
      "kind": "$elem.type",
      "suggestedPrice": "$elem.price per $elem.unit",
      "available": $elem.quantity
    }#if($foreach.hasNext),#end
#end
  ]
}"#;
    let out = render(template, &ctx_with_body(input));
    assert_json_eq(
        &out.body,
        r#"{"choices":[{"kind":"apples","suggestedPrice":"1.99 per pound","available":232},{"kind":"bananas","suggestedPrice":"0.19 per each","available":112},{"kind":"carrots","suggestedPrice":"1.29 per bag","available":57}]}"#,
    );
}

const PHOTOS: &str = r#"{
  "photos": {
    "page": 1,
    "pages": "1234",
    "perpage": 100,
    "total": "123398",
    "photo": [
      {
        "id": "12345678901",
        "owner": "23456789@A12",
        "secret": "abc123d456",
        "server": "1234",
        "farm": 1,
        "title": "Sample photo 1",
        "ispublic": 1,
        "isfriend": 0,
        "isfamily": 0
      },
      {
        "id": "23456789012",
        "owner": "34567890@B23",
        "secret": "bcd234e567",
        "server": "2345",
        "farm": 2,
        "title": "Sample photo 2",
        "ispublic": 1,
        "isfriend": 0,
        "isfamily": 0
      }
    ]
  }
}"#;

#[test]
fn t5_photos_output_mapping() {
    let template = "#set($inputRoot = $input.path('$'))
{
  \"photos\": [
#foreach($elem in $inputRoot.photos.photo)
    {
      \"id\": \"$elem.id\",
      \"owner\": \"$elem.owner\",
      \"title\": \"$elem.title\",
      \"ispublic\": $elem.ispublic,
      \"isfriend\": $elem.isfriend,
      \"isfamily\": $elem.isfamily
    }#if($foreach.hasNext),#end
\t\t
#end
  ]
}";
    let out = render(template, &ctx_with_body(PHOTOS));
    assert_json_eq(
        &out.body,
        r#"{"photos":[{"id":"12345678901","owner":"23456789@A12","title":"Sample photo 1","ispublic":1,"isfriend":0,"isfamily":0},{"id":"23456789012","owner":"34567890@B23","title":"Sample photo 2","ispublic":1,"isfriend":0,"isfamily":0}]}"#,
    );
}

#[test]
fn t5_photos_input_mapping_is_identity() {
    let template = "#set($inputRoot = $input.path('$'))
{
  \"photos\": {
    \"page\": $inputRoot.photos.page,
    \"pages\": \"$inputRoot.photos.pages\",
    \"perpage\": $inputRoot.photos.perpage,
    \"total\": \"$inputRoot.photos.total\",
    \"photo\": [
#foreach($elem in $inputRoot.photos.photo)
      {
        \"id\": \"$elem.id\",
        \"owner\": \"$elem.owner\",
        \"secret\": \"$elem.secret\",
        \"server\": \"$elem.server\",
        \"farm\": $elem.farm,
        \"title\": \"$elem.title\",
        \"ispublic\": $elem.ispublic,
        \"isfriend\": $elem.isfriend,
        \"isfamily\": $elem.isfamily
      }#if($foreach.hasNext),#end
\t\t
#end
    ]
  }
}";
    let out = render(template, &ctx_with_body(PHOTOS));
    assert_json_eq(&out.body, PHOTOS);
}

#[test]
fn t6_news_article() {
    let input = r#"{
  "count": 1,
  "items": [
    {
      "last_updated_date": "2015-04-24",
      "expire_date": "2016-04-25",
      "author_first_name": "John",
      "description": "Sample Description",
      "creation_date": "2015-04-20",
      "title": "Sample Title",
      "allow_comment": "1",
      "author": {
        "last_name": "Doe",
        "email": "johndoe@example.com",
        "first_name": "John"
      },
      "body": "Sample Body",
      "publish_date": "2015-04-25",
      "version": "1",
      "author_last_name": "Doe",
      "parent_id": 2345678901,
      "article_url": "http://www.example.com/articles/3456789012"
    }
  ],
  "version": 1
}"#;
    let template = r#"#set($inputRoot = $input.path('$'))
{
  "count": $inputRoot.count,
  "items": [
#foreach($elem in $inputRoot.items)
    {
      "creation_date": "$elem.creation_date",
      "title": "$elem.title",
      "author": "$elem.author.first_name $elem.author.last_name",
      "body": "$elem.body",
      "publish_date": "$elem.publish_date",
      "article_url": "$elem.article_url"
    }#if($foreach.hasNext),#end

#end
  ],
  "version": $inputRoot.version
}"#;
    let out = render(template, &ctx_with_body(input));
    assert_json_eq(
        &out.body,
        r#"{"count":1,"items":[{"creation_date":"2015-04-20","title":"Sample Title","author":"John Doe","body":"Sample Body","publish_date":"2015-04-25","article_url":"http://www.example.com/articles/3456789012"}],"version":1}"#,
    );
}

#[test]
fn t7_sales_invoice() {
    let input = r#"{
  "DueDate": "2013-02-15",
  "Balance": 1990.19,
  "DocNumber": "SAMP001",
  "Status": "Payable",
  "Line": [
    {
      "Description": "Sample Expense",
      "Amount": 500,
      "DetailType": "ExpenseDetail",
      "ExpenseDetail": {
        "Customer": { "value": "ABC123", "name": "Sample Customer" },
        "Ref": { "value": "DEF234", "name": "Sample Construction" },
        "Account": { "value": "EFG345", "name": "Fuel" },
        "LineStatus": "Billable"
      }
    }
  ],
  "Vendor": { "value": "GHI456", "name": "Sample Bank" },
  "APRef": { "value": "HIJ567", "name": "Accounts Payable" },
  "TotalAmt": 1990.19
}"#;
    let template = r#"#set($inputRoot = $input.path('$'))
{
  "DueDate": "$inputRoot.DueDate",
  "Balance": $inputRoot.Balance,
  "DocNumber": "$inputRoot.DocNumber",
  "Status": "$inputRoot.Status",
  "Line": [
#foreach($elem in $inputRoot.Line)
    {
      "Description": "$elem.Description",
      "Amount": $elem.Amount,
      "DetailType": "$elem.DetailType",
      "ExpenseDetail": {
        "Customer": "$elem.ExpenseDetail.Customer.value ($elem.ExpenseDetail.Customer.name)",
        "Ref": "$elem.ExpenseDetail.Ref.value ($elem.ExpenseDetail.Ref.name)",
        "Account": "$elem.ExpenseDetail.Account.value ($elem.ExpenseDetail.Account.name)",
        "LineStatus": "$elem.ExpenseDetail.LineStatus"
      }
    }#if($foreach.hasNext),#end

#end
  ],
  "Vendor": "$inputRoot.Vendor.value ($inputRoot.Vendor.name)",
  "APRef": "$inputRoot.APRef.value ($inputRoot.APRef.name)",
  "TotalAmt": $inputRoot.TotalAmt
}"#;
    let out = render(template, &ctx_with_body(input));
    let v: serde_json::Value = serde_json::from_str(&out.body).expect("valid JSON");
    let detail = &v["Line"][0]["ExpenseDetail"];
    assert_eq!(detail["Customer"], "ABC123 (Sample Customer)");
    assert_eq!(detail["Ref"], "DEF234 (Sample Construction)");
    assert_eq!(detail["Account"], "EFG345 (Fuel)");
    assert!(out.body.contains("\"Balance\": 1990.19,"), "{}", out.body);
    assert!(out.body.contains("\"TotalAmt\": 1990.19\n"), "{}", out.body);
}

#[test]
fn t8_employee_record() {
    let input = r#"{
  "QueryResponse": {
    "maxResults": "1",
    "startPosition": "1",
    "Employee": {
      "Organization": "false",
      "Title": "Mrs.",
      "GivenName": "Jane",
      "MiddleName": "Lane",
      "FamilyName": "Doe",
      "DisplayName": "Jane Lane Doe",
      "PrintOnCheckName": "Jane Lane Doe",
      "Active": "true",
      "PrimaryPhone": { "FreeFormNumber": "505.555.9999" },
      "PrimaryEmailAddr": { "Address": "janedoe@example.com" },
      "EmployeeType": "Regular",
      "status": "Synchronized",
      "Id": "ABC123",
      "SyncToken": "1",
      "MetaData": {
        "CreateTime": "2015-04-26T19:45:03Z",
        "LastUpdatedTime": "2015-04-27T21:48:23Z"
      },
      "PrimaryAddr": {
        "Line1": "123 Any Street",
        "City": "Any City",
        "CountrySubDivisionCode": "WA",
        "PostalCode": "01234"
      }
    }
  },
  "time": "2015-04-27T22:12:32.012Z"
}"#;
    let template = r#"#set($inputRoot = $input.path('$'))
#set($employee = $inputRoot.QueryResponse.Employee)
{
  "Employees": [
    {
      "Id": "$employee.Id",
      "Name": "$employee.GivenName $employee.FamilyName",
      "Phone": "$employee.PrimaryPhone.FreeFormNumber",
      "Email": [
        {
          "type": "primary",
          "address": "$employee.PrimaryEmailAddr.Address"
        }
      ],
      "Address": {
        "Line1": "$employee.PrimaryAddr.Line1",
        "City": "$employee.PrimaryAddr.City",
        "PostalCode": "$inputRoot.QueryResponse.Employee.PrimaryAddr.PostalCode"
      }
    }
  ]
}"#;
    let out = render(template, &ctx_with_body(input));
    assert_json_eq(
        &out.body,
        r#"{"Employees":[{"Id":"ABC123","Name":"Jane Doe","Phone":"505.555.9999","Email":[{"type":"primary","address":"janedoe@example.com"}],"Address":{"Line1":"123 Any Street","City":"Any City","PostalCode":"01234"}}]}"#,
    );
}

#[test]
fn t9_parse_json() {
    let input = r#"{"errorMessage":"{\"key1\":\"var1\",\"key2\":{\"arr\":[1,2,3]}}"}"#;
    let template = r#"#set ($errorMessageObj = $util.parseJson($input.path('$.errorMessage')))
{
   "errorMessageObjKey2ArrVal" : $errorMessageObj.key2.arr[0]
}"#;
    let out = render(template, &ctx_with_body(input));
    assert_json_eq(&out.body, r#"{"errorMessageObjKey2ArrVal" : 1}"#);
}

#[test]
fn t10_params_path_and_size() {
    let mut ctx = ctx_with_body(r#"{"things":{"1":{},"2":{},"3":{}}}"#);
    ctx.input.path.push(("id".into(), "abc".into()));
    ctx.request.http_method = Some("POST".into());
    ctx.request.resource_path = Some("/things/{id}".into());
    let template = r#"{"id" : "$input.params('id')", "count" : "$input.path('$.things').size()", "things" : $util.escapeJavaScript($input.json('$.things'))}"#;
    let out = render(template, &ctx);
    // The reference asserts on `id` and `count` only (escapeJavaScript escapes the quotes).
    assert!(
        out.body
            .starts_with(r#"{"id" : "abc", "count" : "3", "things" : "#),
        "{}",
        out.body
    );
    assert_eq!(
        out.body,
        r#"{"id" : "abc", "count" : "3", "things" : {\"1\":{},\"2\":{},\"3\":{}}}"#
    );
}

#[test]
fn t11_openapi_extension_examples() {
    let input = r#"{ "name":"value_1", "key":"value_2", "redirect": {"url" :"..."} }"#;
    let a = render(
        r#"#set ($root=$input.path('$')) { "stage": "$root.name", "user-id": "$root.key" }"#,
        &ctx_with_body(input),
    );
    assert_json_eq(&a.body, r#"{ "stage": "value_1", "user-id": "value_2" }"#);
    let b = render(
        r#"#set ($root=$input.path('$')) <stage>$root.name</stage> "#,
        &ctx_with_body(input),
    );
    assert_eq!(b.body.trim(), "<stage>value_1</stage>");
    // The `responseParameters` mapping `integration.response.body.redirect.url` is the same
    // JSONPath on the body.
    let url = render("$input.path('$.redirect.url')", &ctx_with_body(input));
    assert_eq!(url.body, "...");
}

#[test]
fn t12_lambda_non_proxy_greeting() {
    let mut ctx = ctx_with_body(r#"{ "callerName":"John" }"#);
    ctx.input.path.push(("city".into(), "Seattle".into()));
    ctx.input
        .querystring
        .push(("time".into(), "morning".into()));
    ctx.input.header.push(("day".into(), "Wednesday".into()));
    let template = r#"#set($inputRoot = $input.path('$'))
{
  "city": "$input.params('city')",
  "time": "$input.params('time')",
  "day":  "$input.params('day')",
  "name": "$inputRoot.callerName"
}"#;
    let out = render(template, &ctx);
    assert_json_eq(
        &out.body,
        r#"{"city": "Seattle", "time": "morning", "day": "Wednesday", "name" : "John"}"#,
    );
}

#[test]
fn t13_mock_status_selection() {
    let template = r#"{ #if( $input.params('scope') == "internal" ) "statusCode": 200 #else "statusCode": 500 #end }"#;
    let mut internal = Context::default();
    internal
        .input
        .querystring
        .push(("scope".into(), "internal".into()));
    assert_json_eq(&render(template, &internal).body, r#"{"statusCode": 200}"#);
    let mut other = Context::default();
    other
        .input
        .querystring
        .push(("scope".into(), "public".into()));
    assert_json_eq(&render(template, &other).body, r#"{"statusCode": 500}"#);
    assert_json_eq(
        &render(template, &Context::default()).body,
        r#"{"statusCode": 500}"#,
    );
}

#[test]
fn t14_response_status_override() {
    let backend =
        r#"{"errors":[{"key":"GetPetRequest.petId","message":"The value is out of range."}]}"#;
    let template = r#"#set($inputRoot = $input.path('$'))
$input.json("$")
#if($inputRoot.toString().contains("error"))
#set($context.responseOverride.status = 400)
#end"#;
    let out = render(template, &ctx_with_body(backend));
    assert_json_eq(&out.body, backend);
    assert_eq!(out.overrides.response.status, Some(400));

    let fine = render(template, &ctx_with_body(r#"{"pet":"ok"}"#));
    assert_eq!(fine.overrides.response.status, None);
}

#[test]
fn t15_request_header_override() {
    let mut ctx = ctx_with_body(r#"{"pet":"dog"}"#);
    ctx.input
        .header
        .push(("header1".into(), "header1Val".into()));
    ctx.input
        .header
        .push(("header2".into(), "header2Val".into()));
    let template = r#"#set($header1Override = "foo")
#set($header3Value = "$input.params('header1')$input.params('header2')")
$input.json("$")
#set($context.requestOverride.header.header3 = $header3Value)
#set($context.requestOverride.header.header1 = $header1Override)
#set($context.requestOverride.header.multivalueheader=[$header1Override, $header3Value])"#;
    let out = render(template, &ctx);
    assert_json_eq(&out.body, r#"{"pet":"dog"}"#);
    assert_eq!(
        out.overrides.request.header,
        vec![
            (
                "header3".to_string(),
                vec!["header1Valheader2Val".to_string()]
            ),
            ("header1".to_string(), vec!["foo".to_string()]),
            (
                "multivalueheader".to_string(),
                vec!["foo".to_string(), "header1Valheader2Val".to_string()]
            ),
        ]
    );
}

/// T16: AWS-recorded edge cases, compared exactly. In the recorded test the "Body" column is the
/// value sent under the `json` key of the request payload (the templates read `$.json`).
#[test]
fn t16_aws_recorded_edge_cases() {
    let path_json = r#"#set($result = $input.path("$.json"))"#;
    let cases: &[(String, &str, &str)] = &[
        (format!("{path_json}$result"), r#"{"json": {"foo":"bar"}}"#, "{foo=bar}"),
        (format!("{path_json}$result"), r#"{"json": [{"foo":"bar"}]}"#, r#"[{"foo":"bar"}]"#),
        (
            format!("{path_json}$result.nested"),
            r#"{"json": {"nested":{"foo":"bar"}}}"#,
            "{foo=bar}",
        ),
        (
            format!("{path_json}$result[0]"),
            r#"{"json": [[{"foo":"bar"}]]}"#,
            r#"[{"foo":"bar"}]"#,
        ),
        (
            format!("{path_json}$result"),
            r#"{"json": {"foo":[{"nested":"bar"}]}}"#,
            r#"{foo=[{"nested":"bar"}]}"#,
        ),
        (
            format!("{path_json}$result.toString()"),
            r#"{"json": {"list":[{"foo":"bar"}]}}"#,
            r#"{list=[{"foo":"bar"}]}"#,
        ),
        (
            r##"#set($result = $input.path("$.nonExisting")){"body": $result, "nested": $result.nested, "isNull": #if($result == $null)"true"#else"false"#end, "isEmptyString": #if($result == "")"true"#else"false"#end}"##.to_string(),
            "",
            r#"{"body": , "nested": , "isNull": "true", "isEmptyString": "true"}"#,
        ),
        (
            r##"#set($result = $input.path("$.json.listValue")){"body": $result, "nested": $result.nested, "isNull": #if($result == $null)"true"#else"false"#end, "isEmptyString": #if($result == "")"true"#else"false"#end}"##.to_string(),
            r#"{"json": {"listValue": []}}"#,
            r#"{"body": [], "nested": , "isNull": "false", "isEmptyString": "false"}"#,
        ),
        (
            "EncodedBody=$util.urlEncode($input.body)&EncodedBodyAccess=$util.urlEncode($input.body.testAccess)".to_string(),
            r#"{"some": "value"}"#,
            "EncodedBody=%7B%22some%22%3A+%22value%22%7D&EncodedBodyAccess=",
        ),
        (
            "Action=SendMessage&MessageBody=$input.body".to_string(),
            "",
            "Action=SendMessage&MessageBody={}",
        ),
    ];
    for (template, body, expected) in cases {
        let out = render(template, &ctx_with_body(body));
        assert_eq!(
            &out.body, expected,
            "template {template:?} on body {body:?}"
        );
    }
}

/// T16, "other recorded behaviour": `$util.parseJson` with `#if/#elseif/#else`.
#[test]
fn t16_parse_json_with_elseif() {
    let template = r#"#set($body = $util.parseJson($input.body))
#if($body.message == "path1")
{"response": "path was path one"}
#elseif($body.message == "path2")
{"response": "path was path two"}
#else
{"response": "this is the else clause"}
#end"#;
    for (message, expected) in [
        ("path1", r#"{"response": "path was path one"}"#),
        ("path2", r#"{"response": "path was path two"}"#),
        ("other", r#"{"response": "this is the else clause"}"#),
    ] {
        let body = format!(r#"{{"message": "{message}"}}"#);
        let out = render(template, &ctx_with_body(&body));
        assert_eq!(out.body, format!("{expected}\n"));
    }
}

/// T16, "other recorded behaviour": the three map assignment forms of §1.8.
#[test]
fn t16_map_assignment_forms() {
    let template = r#"#set($paramName = "value")
#set($context.requestOverride.querystring[$paramName] = "bar")
$context.requestOverride.querystring.put("value2", "putBar")
#set($context["requestOverride"].querystring["value3"] = "nestedFoo")
{"value":"$context.requestOverride.querystring.value","value2":"$context.requestOverride.querystring.value2","value3":"$context.requestOverride.querystring.value3"}"#;
    let out = render(template, &Context::default());
    assert_eq!(
        out.body.trim(),
        r#"{"value":"bar","value2":"putBar","value3":"nestedFoo"}"#
    );
    assert_eq!(
        out.overrides.request.querystring,
        vec![
            ("value".to_string(), vec!["bar".to_string()]),
            ("value2".to_string(), vec!["putBar".to_string()]),
            ("value3".to_string(), vec!["nestedFoo".to_string()]),
        ]
    );
}
