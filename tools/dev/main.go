// Command dev is the local securestore (make dev, make dev-user): the
// presign API as deployed, configured from a synthesized template, in
// front of the real function, with MinIO as S3 and cognito-local as the
// user pool (package internal/devapi).
//
//	dev serve   -template cdk.out [-dir .dev]       # make dev: runs until Ctrl-C
//	dev user    -name alice [-groups tier-1,tier-2] # make dev-user: prints an ID token last
//	dev openapi -template cdk.out [-o openapi.json] # the OpenAPI document for app teams
//
// Ports: DEV_API_PORT (4000), DEV_S3_PORT (9000), DEV_COGNITO_PORT (9229),
// all on 127.0.0.1.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/securestore/securestore/internal/devapi"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "dev:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: dev serve|user|openapi [flags] (see go doc ./tools/dev)")
	}
	switch args[0] {
	case "serve":
		return serve(args[1:], stdout, stderr)
	case "user":
		return user(args[1:], stdout)
	case "openapi":
		return openapi(args[1:], stdout)
	}
	return fmt.Errorf("unknown subcommand %q: want serve, user or openapi", args[0])
}

// templatePath takes a template file, or a cloud assembly directory holding
// the API's template.
func templatePath(p string) (string, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return "", fmt.Errorf("-template: %w (run cdk synth first; make dev does)", err)
	}
	if fi.IsDir() {
		return devapi.FindTemplate(p)
	}
	return p, nil
}

func serve(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	dir := fs.String("dir", ".dev", "state directory: S3 data, the user pool, logs, dev.json")
	tmpl := fs.String("template", "", "the synthesized template, or the cdk.out directory holding it (required)")
	cognito := fs.String("cognito-local", "node_modules/cognito-local/lib/bin/start.js", "cognito-local's start script (npm ci installs it)")
	verbose := fs.Bool("v", false, "log every request")
	if err := fs.Parse(args); err != nil {
		return err
	}
	path, err := templatePath(*tmpl)
	if err != nil {
		return err
	}
	opts := devapi.Options{Dir: *dir, Template: path, CognitoLocal: *cognito}
	if err := opts.PortsFromEnv(os.Getenv); err != nil {
		return err
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelInfo
	}
	opts.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	started := time.Now()
	inst, err := devapi.Start(ctx, opts)
	if err != nil {
		return err
	}
	i := inst.Info
	abs, _ := filepath.Abs(filepath.Join(*dir, devapi.InfoFile))
	fmt.Fprintf(stdout, `local securestore ready in %.1fs (configured from %s)
  API      %s   (OpenAPI document: %s/openapi.json)
  S3       %s   bucket %s, region %s
  Cognito  %s   pool %s, client %s
  %s written

  make dev-user NAME=alice GROUPS=tier-1   # prints an ID token on its last line
  TOKEN=$(make -s dev-user NAME=alice GROUPS=tier-1 | tail -1)
  curl -H "Authorization: $TOKEN" '%s/presign?key=tier-1/hello.txt'

Ctrl-C stops everything.
`, time.Since(started).Seconds(), path, i.APIURL, i.APIURL, i.S3URL, i.Bucket, i.Region, i.CognitoURL, i.UserPoolID, i.ClientID, abs, i.APIURL)
	var runErr error
	select {
	case <-ctx.Done():
		fmt.Fprintln(stdout, "stopping...")
	case runErr = <-inst.Failed():
	}
	if err := inst.Close(); err != nil {
		return errors.Join(runErr, err)
	}
	return runErr
}

func user(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("user", flag.ContinueOnError)
	dir := fs.String("dir", ".dev", "the state directory of the running make dev")
	name := fs.String("name", "", "the user: a name (alice -> alice@example.com) or an email (required)")
	groups := fs.String("groups", "", "comma-separated groups; the user is in exactly these")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *name == "" {
		return errors.New("usage: make dev-user NAME=<name> GROUPS=<g1,g2>")
	}
	info, err := devapi.ReadInfo(*dir)
	if err != nil {
		return err
	}
	var gs []string
	for _, g := range strings.Split(*groups, ",") {
		if g = strings.TrimSpace(g); g != "" {
			gs = append(gs, g)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pool := devapi.OpenPool(info.CognitoURL, info.UserPoolID, info.ClientID)
	token, err := pool.SignIn(ctx, *name, gs)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "user %s in groups [%s]; its ID token:\n%s\n", devapi.UserEmail(*name), strings.Join(gs, ","), token)
	return nil
}

func openapi(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("openapi", flag.ContinueOnError)
	tmpl := fs.String("template", "", "the synthesized template, or the cdk.out directory holding it (required: the bounds are the deployment's)")
	out := fs.String("o", "-", "output file, - for stdout")
	server := fs.String("server", "", "the API's URL, written as the document's server (optional)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	path, err := templatePath(*tmpl)
	if err != nil {
		return err
	}
	doc, err := devapi.OpenAPIFromTemplate(path, *server)
	if err != nil {
		return err
	}
	if *out == "-" {
		_, err = stdout.Write(append(doc, '\n'))
		return err
	}
	return os.WriteFile(*out, append(doc, '\n'), 0o644)
}
