//! REST APIs in the console: list, resources and methods (method execution view), Cognito
//! authorizers with their test tool, and stages/deployments.

pub mod authorizers;
pub mod stages;
