// Package dot draws an architecture diagram of a synthesized
// CloudFormation template: template JSON in, Graphviz DOT out. It reads only
// the template (no CDK import), so it runs on whatever `cdk synth` wrote.
//
// What the diagram shows, each rule derived from the template:
//
//   - Clusters. Each resource's aws:cdk:path metadata names its construct
//     path, "dev/SecureStore/Bucket/Key/Resource/Resource". The stack's own
//     path ("dev/SecureStore") is found by recomputing CDK's logical id from
//     each candidate suffix of the path (human part plus the MD5 path hash)
//     and keeping the suffix that gives the resource's logical id; when no
//     logical id was made that way (hand-written or overridden ids), the
//     stack is the longest prefix shared by every path that still leaves each
//     path, without its trailing "Resource" and "Default" segments, one
//     segment (so such a template needs two top constructs to be read right). The first segment below the stack is the top
//     construct ("Bucket", "CDN", "Api", ...), and resources are clustered by
//     it. Resources without a path are drawn outside any cluster.
//   - Labels. A resource reads as its path below the top construct with the
//     "Resource" and "Default" segments left out (the last part of its type
//     if nothing is left: a construct's main resource), then the type
//     without its "AWS::" prefix: "Key/Alias\nKMS::Alias",
//     "Distribution\nCloudFront::Distribution".
//   - Edges. A -> B means A references B: a Ref, an Fn::GetAtt, an Fn::Sub
//     "${B}" or a DependsOn, read by [cfncheck.Dependencies]. Parameters and
//     pseudo-parameters (AWS::Region, ...) are not resources and draw no
//     edge. Edges are deduplicated; an edge from a resource to itself (after
//     folding, below) is dropped.
//   - Actors. Who calls the stack from outside, inferred from what it holds:
//     "Viewer (signed URL)" -> each CloudFront distribution whose cache
//     behaviours require trusted key groups ("Viewer" otherwise), and
//     "Client (Cognito token)" -> each API Gateway REST API that has a
//     COGNITO_USER_POOLS authorizer ("Client" otherwise).
//
// Noise is removed by type, the same way every time:
//
//   - Hidden (no node, no edges): AWS::CDK::Metadata, which is bookkeeping,
//     and AWS::Lambda::Permission, which only restates an edge the caller
//     already draws (an API method's integration references its function).
//   - Folded into their owner: AWS::IAM::Policy and, of API Gateway,
//     Resource, Method, Deployment, GatewayResponse, Model and
//     RequestValidator (an API's routes and settings). The owner is
//     the nearest drawn resource whose construct path (without "Resource"
//     and "Default" segments) is a prefix of the folded resource's: a role's
//     DefaultPolicy folds into the role, a method into its REST API. Edges
//     to and from a folded resource are redrawn to and from its owner, and
//     the owner's label counts what it holds ("+ 2 Method, 2 Resource"). A
//     folded type with no owner is drawn as itself.
//
// Everything is sorted (clusters by name, nodes by logical id, edges by both
// ends), so the same template always gives byte-identical DOT and a committed
// diagram only changes when the template does.
package dot
