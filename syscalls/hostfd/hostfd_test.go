package hostfd

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// The netpoller's descriptors were created while the placeholders held
// the low numbers: none of this process's epoll or eventfd descriptors is
// below Base, and they are recorded as ferry's.
func TestRuntimeDescriptorsAboveBase(t *testing.T) {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc")
	}
	var epolls int
	for _, e := range ents {
		fd, _ := strconv.Atoi(e.Name())
		target, err := os.Readlink("/proc/self/fd/" + e.Name())
		if err != nil {
			continue
		}
		if !strings.Contains(target, "[eventpoll]") && !strings.Contains(target, "[eventfd]") {
			continue
		}
		epolls++
		if fd < Base {
			t.Errorf("fd %d (%s) is below %d", fd, target, Base)
		} else if !Owned(fd) {
			t.Errorf("fd %d (%s) is not recorded as ferry's", fd, target)
		}
	}
	if epolls < 2 {
		t.Errorf("found %d netpoller descriptors, want the epoll and the eventfd", epolls)
	}
	// The low numbers are free again: the next open gets the lowest.
	fd, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if fd >= 64 {
		t.Errorf("open returned %d: the placeholders were not released", fd)
	}
}

func TestKeepAndOwnedIn(t *testing.T) {
	fd, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	kept := Keep(fd)
	if kept < Base || !Owned(kept) || Owned(fd) {
		t.Fatalf("Keep(%d) = %d, owned %v", fd, kept, Owned(kept))
	}
	if fl, _ := unix.FcntlInt(uintptr(kept), unix.F_GETFD, 0); fl&unix.FD_CLOEXEC == 0 {
		t.Error("kept descriptor is not close-on-exec")
	}
	var seen []int
	OwnedIn(0, ^uint64(0), func(fd int) { seen = append(seen, fd) })
	found := false
	for i, s := range seen {
		if s == kept {
			found = true
		}
		if i > 0 && seen[i-1] >= s {
			t.Errorf("OwnedIn not ascending: %v", seen)
		}
		if !Owned(s) {
			t.Errorf("OwnedIn gave %d, not owned", s)
		}
	}
	if !found {
		t.Errorf("OwnedIn(all) = %v, missing %d", seen, kept)
	}
	var none []int
	OwnedIn(uint64(kept)+1, uint64(kept)+1, func(fd int) { none = append(none, fd) })
	if want := Owned(kept + 1); len(none) != map[bool]int{false: 0, true: 1}[want] {
		t.Errorf("OwnedIn(%d,%d) = %v", kept+1, kept+1, none)
	}
	if err := Close(kept); err != nil || Owned(kept) {
		t.Errorf("Close: %v, still owned %v", err, Owned(kept))
	}
}
