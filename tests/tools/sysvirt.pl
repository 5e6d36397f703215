#!/usr/bin/perl
# sysvirt.pl: drives genvirtd with Sys::Virt (Debian's libsys-virt-perl, on
# libvirt's C library).  Usage: sysvirt.pl URI DOMAIN
# Prints "STEP key=value ..." lines, or "STEP error=CODE message=..." when a
# call fails; tests/tools/sysvirt.py checks them.
use strict;
use warnings;
use Sys::Virt;
use Sys::Virt::Domain;

$| = 1;
my ($uri, $name) = @ARGV;
die "usage: sysvirt.pl URI DOMAIN\n" unless defined $name;

sub step {
    my ($what, $code) = @_;
    my @kv = eval { $code->() };
    if ($@) {
        my $e = $@;
        my ($c, $m) = ref($e) ? ($e->code, $e->message) : (-1, "$e");
        $m =~ s/\s+/ /g;
        print "$what error=$c message=$m\n";
        return;
    }
    print join(' ', $what, @kv), "\n";
}

my $c = Sys::Virt->new(uri => $uri);
print "connect uri=", $c->get_uri(), "\n";
step('version', sub { ('lib=' . $c->get_library_version(), 'hv=' . $c->get_version()) });
step('type', sub { ('type=' . $c->get_type()) });
step('nodeinfo', sub {
    my $i = $c->get_node_info();
    ("model=$i->{model}", "memory=$i->{memory}", "cpus=$i->{cpus}", "nodes=$i->{nodes}");
});
step('freemem', sub { ('bytes=' . $c->get_node_free_memory()) });
step('capabilities', sub {
    my $x = $c->get_capabilities();
    ('host=' . ($x =~ /<host>/ ? 1 : 0), 'guest=' . ($x =~ /<guest>/ ? 1 : 0));
});
step('list', sub {
    my @d = $c->list_all_domains();
    ('names=' . join(',', sort map { $_->get_name() } @d));
});
my $d;
step('lookup', sub { $d = $c->get_domain_by_name($name); ('uuid=' . $d->get_uuid_string()) });
exit 1 unless $d;
step('xml', sub {
    my $x = $d->get_xml_description();
    my ($g) = $x =~ m{<guid auto='yes'>([0-9a-f-]+)</guid>};
    ('guid=' . ($g // 'none'));
});
step('create', sub { $d->create(); ('done=1') });
step('state', sub { my ($s, $r) = $d->get_state(); ("state=$s", "reason=$r") });
step('info', sub {
    my $i = $d->get_info();
    ("state=$i->{state}", "maxMem=$i->{maxMem}", "nrVirtCpu=$i->{nrVirtCpu}");
});
step('active', sub { ('active=' . $d->is_active()) });
step('destroy', sub { $d->destroy(); ('done=1') });
step('state2', sub { my ($s, $r) = $d->get_state(); ("state=$s", "reason=$r") });
step('missing', sub { $c->get_domain_by_name('no-such-domain-sysvirt'); ('found=1') });
