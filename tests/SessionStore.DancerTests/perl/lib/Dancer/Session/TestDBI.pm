package Dancer::Session::TestDBI;

# The smallest session engine that behaves as the README of Dancer::Session::DBI (1.2.1, not packaged by Debian)
# describes, for the tests that share a sessions table between a Dancer 1 app and SessionStore:
#   - the session hash, "id" key included, is stored as JSON in `session_data`; `id` is the primary key;
#   - create/retrieve/flush/destroy, each one statement; flush writes the whole document
#     (INSERT ... ON DUPLICATE KEY UPDATE session_data), so the last writer's copy wins;
#   - configured as Dancer::Session::DBI is: session_options: { dsn, user, password, table }.
# Like the original it has no expiry of its own and leaves the cookie alone on destroy.

use strict;
use warnings;
use base 'Dancer::Session::Abstract';

use Carp qw(croak);
use DBI;
use JSON ();
use Dancer::Config 'setting';

my $json = JSON->new->canonical(1)->allow_nonref(0);

sub _options {
    my $options = setting('session_options') || {};
    for my $required (qw(dsn table)) {
        croak "session_options.$required is required by Dancer::Session::TestDBI" unless $options->{$required};
    }
    return $options;
}

sub _dbh {
    my $options = _options();
    return DBI->connect_cached($options->{dsn}, $options->{user}, $options->{password},
        { RaiseError => 1, PrintError => 0, AutoCommit => 1, mysql_enable_utf8mb4 => 1 });
}

sub _table {
    my ($dbh) = @_;
    return $dbh->quote_identifier(_options()->{table});
}

sub create {
    my ($class) = @_;
    my $self = $class->new;
    $self->flush;
    return $self;
}

sub retrieve {
    my ($class, $id) = @_;
    my $dbh = _dbh();
    my ($data) = $dbh->selectrow_array('SELECT session_data FROM ' . _table($dbh) . ' WHERE id = ?', undef, $id);
    return unless defined $data;
    my $session = $json->decode($data);
    return unless ref $session eq 'HASH';
    return bless $session, ref($class) || $class;
}

sub flush {
    my ($self) = @_;
    my $dbh = _dbh();
    my $document = $json->encode({ %$self });
    $dbh->do('INSERT INTO ' . _table($dbh) . ' (id, session_data) VALUES (?, ?) ON DUPLICATE KEY UPDATE session_data = ?',
        undef, $self->id, $document, $document);
    return $self;
}

sub destroy {
    my ($self) = @_;
    my $dbh = _dbh();
    $dbh->do('DELETE FROM ' . _table($dbh) . ' WHERE id = ?', undef, $self->id);
    return 1;
}

1;
