// Command install builds the pinned MinIO server into the user cache (see
// s3server.Install) if it is not there yet and prints its path, so that a
// Makefile or CI step can pay the build before the tests run:
//
//	go run ./internal/testkit/s3server/install
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"github.com/securestore/securestore/internal/testkit/s3server"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	path, err := s3server.Install(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(path)
}
