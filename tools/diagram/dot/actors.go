package dot

// Actor labels.
const (
	viewerSigned  = "Viewer (signed URL)"
	viewer        = "Viewer"
	clientCognito = "Client (Cognito token)"
	client        = "Client"
)

// actorOf returns the label of the outside caller of a resource, or "" if
// it has none (see the package documentation).
func actorOf(r *resource, rs map[string]*resource) string {
	switch r.typ {
	case "AWS::CloudFront::Distribution":
		if requiresSignedURLs(r) {
			return viewerSigned
		}
		return viewer
	case "AWS::ApiGateway::RestApi":
		for _, a := range rs {
			if a.typ == "AWS::ApiGateway::Authorizer" && a.properties["Type"] == "COGNITO_USER_POOLS" && isRef(a.properties["RestApiId"], r.id) {
				return clientCognito
			}
		}
		return client
	}
	return ""
}

// requiresSignedURLs reports whether any cache behaviour of a distribution
// names trusted key groups.
func requiresSignedURLs(r *resource) bool {
	cfg, _ := r.properties["DistributionConfig"].(map[string]any)
	behaviours := []any{cfg["DefaultCacheBehavior"]}
	if more, ok := cfg["CacheBehaviors"].([]any); ok {
		behaviours = append(behaviours, more...)
	}
	for _, b := range behaviours {
		b, _ := b.(map[string]any)
		if groups, _ := b["TrustedKeyGroups"].([]any); len(groups) > 0 {
			return true
		}
	}
	return false
}

// isRef reports whether v is {"Ref": id}.
func isRef(v any, id string) bool {
	m, ok := v.(map[string]any)
	return ok && len(m) == 1 && m["Ref"] == id
}
