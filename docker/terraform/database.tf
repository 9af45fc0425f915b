# Optional managed PostgreSQL (var.managed_database). The swarm's own PostgreSQL service is then scaled
# to zero (docker/deploy.sh --managed-db) and the database_url secret holds output.database_uri.
resource "digitalocean_database_cluster" "postgres" {
  count                = var.managed_database ? 1 : 0
  name                 = "${var.name}-postgres"
  engine               = "pg"
  version              = "15"
  size                 = var.database_size
  region               = var.region
  node_count           = 1
  private_network_uuid = digitalocean_vpc.swarm.id
  tags                 = [digitalocean_tag.swarm.id]
}

resource "digitalocean_database_db" "minitwit" {
  count      = var.managed_database ? 1 : 0
  cluster_id = digitalocean_database_cluster.postgres[0].id
  name       = "minitwit"
}

resource "digitalocean_database_user" "minitwit" {
  count      = var.managed_database ? 1 : 0
  cluster_id = digitalocean_database_cluster.postgres[0].id
  name       = "minitwit"
}

# Only the swarm's droplets may connect.
resource "digitalocean_database_firewall" "postgres" {
  count      = var.managed_database ? 1 : 0
  cluster_id = digitalocean_database_cluster.postgres[0].id

  rule {
    type  = "tag"
    value = digitalocean_tag.swarm.name
  }
}
