# A Dancer 1 app that keeps its sessions in a DBI table through Dancer::Session::TestDBI, for the tests that share
# sessions with an ASP.NET Core app. Run with plackup; the table comes from the environment:
#   DANCER_SESSION_DSN=DBI:mysql:database=db;host=127.0.0.1;port=3306  DANCER_SESSION_USER=root
#   DANCER_SESSION_PASSWORD=  DANCER_SESSION_TABLE=sessions   plackup -p 5000 app.psgi
# Every route answers with JSON: the session's user, cart and id, and what the route did.
use strict;
use warnings;
use File::Basename qw(dirname);
my $appdir;
BEGIN { $appdir = dirname(__FILE__) }
use lib "$appdir/lib";

use Dancer ':syntax';
use Time::HiRes qw(sleep);

set apphandler   => 'PSGI';
set charset      => 'UTF-8';
set appdir       => $appdir;
set public       => "$appdir/public";
set environment  => 'test';
set logger       => 'console';
set log          => 'warning';
set show_errors  => 1;
set warnings     => 1;
set session      => 'TestDBI';
set session_name => $ENV{DANCER_SESSION_NAME} || 'dancer.session';
set session_options => {
    dsn      => $ENV{DANCER_SESSION_DSN},
    user     => $ENV{DANCER_SESSION_USER},
    password => $ENV{DANCER_SESSION_PASSWORD},
    table    => $ENV{DANCER_SESSION_TABLE} || 'sessions',
};

sub state_of_session {
    my $session = session;
    my %values = map { $_ => $session->{$_} } grep { $_ ne 'id' } keys %$session;
    content_type 'application/json';
    return to_json({ id => $session->id, user => session('user'), cart => session('cart') || [], values => \%values },
        { canonical => 1 });
}

# A gate, for deliberately interleaved writes: with gate=PATH the route reads the session, creates PATH.read, and waits
# (up to 30 s) for PATH to exist before it writes.
sub wait_at_gate {
    my $gate = param('gate');
    return unless defined $gate && length $gate;
    session;    # read the session now
    open my $fh, '>', "$gate.read" or die "cannot create $gate.read: $!";
    close $fh;
    for (1 .. 3000) {
        return if -e $gate;
        sleep 0.01;
    }
    die "gate $gate was not opened within 30 s";
}

get '/signin' => sub {
    wait_at_gate();
    session user => param('user');
    return state_of_session();
};

get '/whoami' => sub { state_of_session() };

get '/cart/add' => sub {
    wait_at_gate();
    my $cart = session('cart') || [];
    session cart => [ @$cart, param('item') ];
    return state_of_session();
};

get '/set' => sub {
    wait_at_gate();
    session param('key') => param('value');
    return state_of_session();
};

get '/signout' => sub {
    session->destroy;
    content_type 'application/json';
    return to_json({ destroyed => \1 });
};

get '/ping' => sub { 'pong' };

my $app = sub {
    my $env = shift;
    my $request = Dancer::Request->new(env => $env);
    Dancer->dance($request);
};
