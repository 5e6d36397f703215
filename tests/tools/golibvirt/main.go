// golibvirt: drives genvirtd with Debian's go-libvirt (pure Go, its own XDR).
//
//	golibvirt SOCKET DOMAIN-NAME NEW-DOMAIN-XML-FILE
//
// Prints one JSON object per step on stdout, {"step": ..., "ok": bool, ...};
// tests/tools/golibvirt.py checks them.  Each step is a real call on the
// wire; nothing is skipped when an earlier step fails, except what needs
// its result.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"github.com/digitalocean/go-libvirt/socket/dialers"
)

func report(step string, err error, kv map[string]interface{}) {
	if kv == nil {
		kv = map[string]interface{}{}
	}
	kv["step"] = step
	kv["ok"] = err == nil
	if err != nil {
		kv["error"] = err.Error()
	}
	b, _ := json.Marshal(kv)
	fmt.Println(string(b))
}

func waitEvent(ch <-chan libvirt.DomainEventLifecycleMsg, name string) (int32, int32, error) {
	deadline := time.After(20 * time.Second)
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				return 0, 0, fmt.Errorf("event channel closed")
			}
			if ev.Dom.Name == name {
				return ev.Event, ev.Detail, nil
			}
		case <-deadline:
			return 0, 0, fmt.Errorf("no lifecycle event for %s within 20 s", name)
		}
	}
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: golibvirt SOCKET DOMAIN NEW-DOMAIN-XML")
		os.Exit(2)
	}
	sock, name, newXMLPath := os.Args[1], os.Args[2], os.Args[3]

	l := libvirt.NewWithDialer(dialers.NewLocal(dialers.WithSocket(sock),
		dialers.WithLocalTimeout(5*time.Second)))
	if err := l.ConnectToURI(libvirt.QEMUSystem); err != nil {
		report("connect", err, nil)
		os.Exit(1)
	}
	report("connect", nil, nil)

	ver, err := l.ConnectGetLibVersion()
	report("libversion", err, map[string]interface{}{"version": ver})

	caps, err := l.Capabilities()
	report("capabilities", err, map[string]interface{}{
		"has_host":  strings.Contains(string(caps), "<host>"),
		"has_guest": strings.Contains(string(caps), "<guest>"),
	})

	model, mem, cpus, _, nodes, _, _, _, err := l.NodeGetInfo()
	var mb []byte
	for _, c := range model {
		if c == 0 {
			break
		}
		mb = append(mb, byte(c))
	}
	report("nodeinfo", err, map[string]interface{}{"model": string(mb), "memory_kib": mem,
		"cpus": cpus, "nodes": nodes})

	free, err := l.NodeGetFreeMemory()
	report("freemem", err, map[string]interface{}{"bytes": free})

	doms, _, err := l.ConnectListAllDomains(1, libvirt.ConnectListDomainsActive|
		libvirt.ConnectListDomainsInactive)
	var names []string
	for _, d := range doms {
		names = append(names, d.Name)
	}
	report("list", err, map[string]interface{}{"names": names})

	dom, err := l.DomainLookupByName(name)
	report("lookup", err, map[string]interface{}{"id": dom.ID})
	if err != nil {
		os.Exit(1)
	}
	xml, err := l.DomainGetXMLDesc(dom, 0)
	report("xml", err, map[string]interface{}{"xml": xml})

	ctx, cancel := context.WithCancel(context.Background())
	events, err := l.LifecycleEvents(ctx)
	report("events", err, nil)

	err = l.DomainCreate(dom)
	report("create", err, nil)
	if events != nil && err == nil {
		ev, det, err := waitEvent(events, name)
		report("event_started", err, map[string]interface{}{"event": ev, "detail": det})
	}
	st, reason, err := l.DomainGetState(dom, 0)
	report("state_running", err, map[string]interface{}{"state": st, "reason": reason})

	err = l.DomainDestroy(dom)
	report("destroy", err, nil)
	if events != nil && err == nil {
		ev, det, err := waitEvent(events, name)
		report("event_stopped", err, map[string]interface{}{"event": ev, "detail": det})
	}
	st, reason, err = l.DomainGetState(dom, 0)
	report("state_shutoff", err, map[string]interface{}{"state": st, "reason": reason})

	newXML, err := os.ReadFile(newXMLPath)
	if err == nil {
		var nd libvirt.Domain
		nd, err = l.DomainDefineXML(string(newXML))
		report("define", err, map[string]interface{}{"name": nd.Name})
		if err == nil {
			if events != nil {
				ev, det, err := waitEvent(events, nd.Name)
				report("event_defined", err, map[string]interface{}{"event": ev, "detail": det})
			}
			err = l.DomainUndefine(nd)
			report("undefine", err, nil)
			if events != nil && err == nil {
				ev, det, err := waitEvent(events, nd.Name)
				report("event_undefined", err, map[string]interface{}{"event": ev, "detail": det})
			}
		}
	} else {
		report("define", err, nil)
	}

	_, err = l.DomainLookupByName("no-such-domain-golibvirt")
	report("lookup_missing", err, nil)

	cancel()
	err = l.Disconnect()
	report("disconnect", err, nil)
}
