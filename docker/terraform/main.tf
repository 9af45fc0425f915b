locals {
  tag                    = "${var.name}-swarm"
  connection_private_key = file(pathexpand(var.ssh_private_key_path))
}

resource "digitalocean_vpc" "swarm" {
  name     = "${var.name}-vpc"
  region   = var.region
  ip_range = "10.20.0.0/24"
}

resource "digitalocean_tag" "swarm" {
  name = local.tag
}

resource "digitalocean_droplet" "manager" {
  name       = "${var.name}-manager"
  region     = var.region
  image      = var.image
  size       = var.manager_size
  vpc_uuid   = digitalocean_vpc.swarm.id
  ssh_keys   = var.ssh_key_fingerprints
  tags       = [digitalocean_tag.swarm.id]
  monitoring = true
  user_data  = file("${path.module}/cloud-init.yaml")
}

resource "digitalocean_droplet" "worker" {
  count      = var.worker_count
  name       = "${var.name}-worker-${count.index + 1}"
  region     = var.region
  image      = var.image
  size       = var.worker_size
  vpc_uuid   = digitalocean_vpc.swarm.id
  ssh_keys   = var.ssh_key_fingerprints
  tags       = [digitalocean_tag.swarm.id]
  monitoring = true
  user_data  = file("${path.module}/cloud-init.yaml")
}

# Swarm traffic goes over the VPC addresses; the firewall admits it only from droplets carrying the
# swarm tag, and admits SSH and HTTP(S) from anywhere. Everything else (Grafana, Prometheus) is reached
# through an SSH tunnel.
resource "digitalocean_firewall" "swarm" {
  name = "${var.name}-swarm"
  tags = [digitalocean_tag.swarm.id]

  dynamic "inbound_rule" {
    for_each = ["22", "80", "443"]
    content {
      protocol         = "tcp"
      port_range       = inbound_rule.value
      source_addresses = ["0.0.0.0/0", "::/0"]
    }
  }

  # HTTP/3 (QUIC) on the proxy; browsers fall back to TCP without it.
  inbound_rule {
    protocol         = "udp"
    port_range       = "443"
    source_addresses = ["0.0.0.0/0", "::/0"]
  }

  inbound_rule {
    protocol         = "icmp"
    source_addresses = ["0.0.0.0/0", "::/0"]
  }

  # Cluster management.
  inbound_rule {
    protocol    = "tcp"
    port_range  = "2377"
    source_tags = [digitalocean_tag.swarm.id]
  }

  # Node gossip.
  inbound_rule {
    protocol    = "tcp"
    port_range  = "7946"
    source_tags = [digitalocean_tag.swarm.id]
  }

  inbound_rule {
    protocol    = "udp"
    port_range  = "7946"
    source_tags = [digitalocean_tag.swarm.id]
  }

  # Overlay network (VXLAN).
  inbound_rule {
    protocol    = "udp"
    port_range  = "4789"
    source_tags = [digitalocean_tag.swarm.id]
  }

  dynamic "outbound_rule" {
    for_each = ["tcp", "udp"]
    content {
      protocol              = outbound_rule.value
      port_range            = "1-65535"
      destination_addresses = ["0.0.0.0/0", "::/0"]
    }
  }

  outbound_rule {
    protocol              = "icmp"
    destination_addresses = ["0.0.0.0/0", "::/0"]
  }
}

resource "terraform_data" "swarm_init" {
  triggers_replace = [digitalocean_droplet.manager.id]

  connection {
    type        = "ssh"
    host        = digitalocean_droplet.manager.ipv4_address
    user        = "root"
    private_key = local.connection_private_key
  }

  provisioner "remote-exec" {
    inline = [
      # Exit status 2 only reports warnings; what matters is that Docker got installed.
      "cloud-init status --wait >/dev/null || true",
      "command -v docker >/dev/null",
      "docker info --format '{{.Swarm.LocalNodeState}}' | grep -qx active || docker swarm init --advertise-addr ${digitalocean_droplet.manager.ipv4_address_private}",
      "docker node update --label-add ${var.name}.role=manager $(docker info --format '{{.Swarm.NodeID}}')",
    ]
  }
}

# The join token never leaves the operator's machine and the nodes: it is read from the manager over
# SSH into a git-ignored file, copied to the worker, and deleted there after joining.
resource "terraform_data" "swarm_join" {
  count            = var.worker_count
  triggers_replace = [digitalocean_droplet.worker[count.index].id, terraform_data.swarm_init.id]

  connection {
    type        = "ssh"
    host        = digitalocean_droplet.worker[count.index].ipv4_address
    user        = "root"
    private_key = local.connection_private_key
  }

  provisioner "local-exec" {
    command = "ssh -o StrictHostKeyChecking=accept-new -o BatchMode=yes -i ${pathexpand(var.ssh_private_key_path)} root@${digitalocean_droplet.manager.ipv4_address} docker swarm join-token -q worker > ${path.module}/.join-token-${count.index}"
  }

  provisioner "file" {
    source      = "${path.module}/.join-token-${count.index}"
    destination = "/root/.swarm-join-token"
  }

  provisioner "remote-exec" {
    inline = [
      # Exit status 2 only reports warnings; what matters is that Docker got installed.
      "cloud-init status --wait >/dev/null || true",
      "command -v docker >/dev/null",
      "docker info --format '{{.Swarm.LocalNodeState}}' | grep -qx active || docker swarm join --token \"$(cat /root/.swarm-join-token)\" ${digitalocean_droplet.manager.ipv4_address_private}:2377",
      "rm -f /root/.swarm-join-token",
    ]
  }

  provisioner "local-exec" {
    command = "rm -f ${path.module}/.join-token-${count.index}"
  }
}
