output "manager_ip" {
  description = "Public IPv4 of the swarm manager (SSH, deployments)."
  value       = digitalocean_droplet.manager.ipv4_address
}

output "manager_private_ip" {
  value = digitalocean_droplet.manager.ipv4_address_private
}

output "worker_ips" {
  description = "Public IPv4 of the workers."
  value       = digitalocean_droplet.worker[*].ipv4_address
}

output "app_url" {
  description = "The proxy publishes the site on ports 80 and 443 of the manager (host mode); point the domain's DNS here for HTTPS."
  value       = "http://${digitalocean_droplet.manager.ipv4_address}/"
}

output "monitoring_tunnel" {
  description = "Grafana (localhost:3001), Prometheus (localhost:9090) and Alertmanager (localhost:9093) through SSH."
  value       = "ssh -N -L 3001:localhost:3001 -L 9090:localhost:9090 -L 9093:localhost:9093 root@${digitalocean_droplet.manager.ipv4_address}"
}

output "database_uri" {
  description = "Connection string for the database_url secret (managed_database only; private network)."
  sensitive   = true
  value = var.managed_database ? format(
    "postgresql://%s:%s@%s:%d/%s?sslmode=require",
    digitalocean_database_user.minitwit[0].name,
    urlencode(digitalocean_database_user.minitwit[0].password),
    digitalocean_database_cluster.postgres[0].private_host,
    digitalocean_database_cluster.postgres[0].port,
    digitalocean_database_db.minitwit[0].name,
  ) : null
}
