package privatecdn

import (
	"encoding/json"
	"strings"
)

// MethodFilterCode returns the source of the CloudFront Function
// (cloudfront-js-2.0, viewer request) used when writes or deletes are on and
// the behaviour must therefore allow every method:
//
//   - a method that is not enabled gets 405 with an Allow header listing the
//     enabled ones (GET and HEAD with Read, PUT with Write, DELETE with
//     Delete, OPTIONS when cors is true; never POST or PATCH);
//   - PUT or DELETE without an object name ("/" or a name ending in "/")
//     gets 412, so it can never reach S3 as a bucket-level request;
//   - PUT or DELETE under ErrorPagePrefix gets 403: the error pages are not
//     writable through the distribution.
//
// The answers are JSON {"message": "..."} and are not cached.
func MethodFilterCode(levels []Access, cors bool) string {
	var allowed []string
	if has(levels, Read) {
		allowed = append(allowed, "GET", "HEAD")
	}
	if cors {
		allowed = append(allowed, "OPTIONS")
	}
	if has(levels, Write) {
		allowed = append(allowed, "PUT")
	}
	if has(levels, Delete) {
		allowed = append(allowed, "DELETE")
	}
	list, _ := json.Marshal(allowed)
	reserved, _ := json.Marshal("/" + ErrorPagePrefix)
	return strings.NewReplacer(
		"@ALLOWED@", string(list),
		"@RESERVED@", string(reserved),
	).Replace(methodFilterTemplate)
}

const methodFilterTemplate = `var ALLOWED = @ALLOWED@;
var RESERVED = @RESERVED@;

function reply(status, description, message, headers) {
  var h = headers || {};
  h['content-type'] = { value: 'application/json' };
  h['cache-control'] = { value: 'no-store' };
  return {
    statusCode: status,
    statusDescription: description,
    headers: h,
    body: { encoding: 'text', data: JSON.stringify({ message: message }) }
  };
}

function handler(event) {
  var request = event.request;
  var method = request.method;
  if (ALLOWED.indexOf(method) < 0) {
    return reply(405, 'Method Not Allowed', 'method not enabled on this distribution',
      { allow: { value: ALLOWED.join(', ') } });
  }
  if (method === 'PUT' || method === 'DELETE') {
    var path;
    try {
      path = decodeURIComponent(request.uri);
    } catch (e) {
      return reply(400, 'Bad Request', 'malformed object name');
    }
    if (path === '' || path.charAt(path.length - 1) === '/') {
      return reply(412, 'Precondition Failed', 'missing object name');
    }
    if (path.indexOf(RESERVED) === 0) {
      return reply(403, 'Forbidden', 'reserved object name');
    }
  }
  return request;
}
`
