package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// userCmd creates users without the browser, for headless set-up:
//
//	caseport user create --staff --email E --first F --last L --roles portal_admin,agent [--password-stdin]
//	caseport user create --contact --email E --first F --last L --org ORG-ID --country C
func userCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(stderr, "usage: caseport user create --staff|--contact [flags] (see caseport user create --help)")
		return flag.ErrHelp
	}
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs)
	staff := fs.Bool("staff", false, "create a staff user")
	contact := fs.Bool("contact", false, "create a contact of a company")
	email := fs.String("email", "", "email address (sign-in name)")
	first := fs.String("first", "", "first name")
	last := fs.String("last", "", "last name")
	roles := fs.String("roles", "agent", "staff roles, comma-separated: agent, escalation_owner, portal_admin, product_support_manager")
	org := fs.String("org", "", "contact's employer, by Org ID")
	country := fs.String("country", "", "contact's country")
	passwordStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *staff == *contact {
		return errors.New("user create: give exactly one of --staff and --contact")
	}
	password := ""
	if *passwordStdin {
		b, err := io.ReadAll(io.LimitReader(os.Stdin, 1024))
		if err != nil {
			return fmt.Errorf("read password: %w", err)
		}
		password, _, _ = strings.Cut(string(b), "\n")
	}
	s, err := openStore(ctx, sf.config(getenv))
	if err != nil {
		return err
	}
	defer s.Close()
	svc := support.New(support.Deps{Store: s, Log: slog.New(slog.NewTextHandler(stderr, nil))})
	var userID int64
	if *staff {
		var rs []desk.Role
		for r := range strings.SplitSeq(*roles, ",") {
			if r = strings.TrimSpace(r); r != "" {
				rs = append(rs, desk.Role(r))
			}
		}
		userID, err = svc.Accounts().CreateStaffHeadless(ctx, &desk.User{Email: *email, FirstName: *first, LastName: *last, Roles: rs}, password)
	} else {
		userID, err = svc.Accounts().CreateContactHeadless(ctx, *org, desk.ProfileInput{Email: *email, FirstName: *first, LastName: *last, Country: *country}, password)
	}
	if fields := desk.AsValidation(err); fields != nil {
		for f, msg := range fields {
			fmt.Fprintf(stderr, "  %s: %s\n", f, msg)
		}
		return errors.New("user create: the user was not created")
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created user %d (%s)\n", userID, *email)
	if password == "" {
		fmt.Fprintln(stdout, "No password set: use \"Forgot your password?\" on the sign-in page to choose one.")
	}
	return nil
}
